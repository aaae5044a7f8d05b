import { describe, expect, it } from 'vitest';
import { createRedactor, redactDeep, SECRET_MASK } from '../../src/security/redactor.js';

const installationToken = 'ghs_16C7e42F292c6912E7710c838347Ae178B4a';
const llmKey = 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789';
const webhookSecret = 'whsec-very-secret-value';
const privateKey = [
  '-----BEGIN RSA PRIVATE KEY-----',
  'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun',
  'VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK',
  '-----END RSA PRIVATE KEY-----',
].join('\n');

const redact = createRedactor({ secrets: [installationToken, llmKey, webhookSecret, privateKey, '', 'abc'] });

describe('createRedactor', () => {
  it('masks secrets planted in command output', () => {
    const output = `$ env\nHOME=/root\nGITHUB_TOKEN=${installationToken}\nWEBHOOK=${webhookSecret}\n`;
    const masked = redact(output);
    expect(masked).not.toContain(installationToken);
    expect(masked).not.toContain(webhookSecret);
    expect(masked).toContain(`GITHUB_TOKEN=${SECRET_MASK}`);
    expect(masked).toContain('HOME=/root');
  });

  it('masks a private key in file contents, with \\n or escaped line ends', () => {
    expect(redact(`key:\n${privateKey}\nend`)).toBe(`key:\n${SECRET_MASK}\nend`);
    expect(redact(JSON.stringify({ key: privateKey }))).toBe(JSON.stringify({ key: SECRET_MASK }));
  });

  it('masks a longer secret whole when a shorter one is inside it', () => {
    const short = 'abcdef123456';
    const long = `${short}-and-more`;
    expect(createRedactor({ secrets: [short, long] })(`x ${long} y ${short}`)).toBe(
      `x ${SECRET_MASK} y ${SECRET_MASK}`,
    );
  });

  it('ignores empty and very short secrets instead of garbling text', () => {
    expect(redact('abc is fine and so is an empty string')).toBe('abc is fine and so is an empty string');
  });

  it.each([
    ['a GitHub personal token', 'ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789'],
    ['a fine-grained token', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ'],
    ['an OAuth token', 'gho_16C7e42F292c6912E7710c838347Ae178B4a'],
    ['an AWS access key id', 'AKIAIOSFODNN7EXAMPLE'],
    ['a JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'],
    ['an OpenAI key', 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz012345'],
    ['an Anthropic key', 'sk-ant-api03-ZyXwVuTsRqPoNmLkJiHgFeDcBa987654'],
  ])('masks %s it was never told about', (_name, token) => {
    const masked = createRedactor({ secrets: [] })(`found ${token} in the logs`);
    expect(masked).toBe(`found ${SECRET_MASK} in the logs`);
  });

  it('masks bearer headers and passwords in URLs, keeping what is not secret', () => {
    const r = createRedactor({ secrets: [] });
    expect(r('Authorization: Bearer abcdef0123456789abcdef')).toBe(`Authorization: Bearer ${SECRET_MASK}`);
    expect(r('git clone https://x-access-token:s3cr3tvalue@github.com/o/r.git')).toBe(
      `git clone https://x-access-token:${SECRET_MASK}@github.com/o/r.git`,
    );
  });

  it('masks an unterminated private-key block to the end of the text', () => {
    const r = createRedactor({ secrets: [] });
    expect(r('-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA')).toBe(SECRET_MASK);
  });

  it('leaves ordinary text alone', () => {
    const text = 'Fixed the parser; see commit 4fbefff and https://github.com/o/r/pull/12.';
    expect(redact(text)).toBe(text);
  });
});

describe('redactDeep', () => {
  it('masks every string in an event payload, keys included, without touching the input', () => {
    const event = {
      kind: 'observation',
      content: `token=${installationToken}`,
      exitCode: 0,
      data: { nested: [llmKey, { [webhookSecret]: true }] },
    };
    const masked = redactDeep(event, redact);
    expect(masked).toEqual({
      kind: 'observation',
      content: `token=${SECRET_MASK}`,
      exitCode: 0,
      data: { nested: [SECRET_MASK, { [SECRET_MASK]: true }] },
    });
    expect(event.content).toContain(installationToken);
    expect(redact.deep(event)).toEqual(masked);
  });
});

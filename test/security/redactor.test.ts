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

const none = createRedactor({ secrets: [] });
const AWS_ID = 'AKIAIOSFODNN7EXAMPLE';
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

describe('createRedactor: AWS secret access keys', () => {
  it('masks one after an aws_secret_access_key-like name in a credentials file, keeping the name', () => {
    const file = `[default]\naws_access_key_id = ${AWS_ID}\naws_secret_access_key = ${AWS_SECRET}\nregion = eu-west-1\n`;
    expect(none(file)).toBe(
      `[default]\naws_access_key_id = ${SECRET_MASK}\naws_secret_access_key = ${SECRET_MASK}\nregion = eu-west-1\n`,
    );
  });

  it('masks one in `aws sts` JSON and in an exported variable', () => {
    const json = `{"Credentials": {"AccessKeyId": "ASIAXAMPLEXAMPLE1234", "SecretAccessKey": "${AWS_SECRET}", "Expiration": "2026-12-03T20:00:00Z"}}`;
    expect(none(json)).toBe(
      `{"Credentials": {"AccessKeyId": "${SECRET_MASK}", "SecretAccessKey": "${SECRET_MASK}", "Expiration": "2026-12-03T20:00:00Z"}}`,
    );
    expect(none(`export AWS_SECRET_ACCESS_KEY=${AWS_SECRET}; aws s3 ls`)).toBe(
      `export AWS_SECRET_ACCESS_KEY=${SECRET_MASK}; aws s3 ls`,
    );
  });

  it('leaves a bare 40-character value alone when no access key id is near (a git SHA, a digest)', () => {
    const text = `commit 9fceb02d0ae598e95dc970b74767f19372d61af8\n${'.'.repeat(300)}\n${AWS_ID}`;
    expect(none(text)).toBe(
      `commit 9fceb02d0ae598e95dc970b74767f19372d61af8\n${'.'.repeat(300)}\n${SECRET_MASK}`,
    );
  });

  it('masks a bare one next to its access key id, in either order', () => {
    const csv = `User name,Access key ID,Secret access key\nci-bot,${AWS_ID},${AWS_SECRET}\n`;
    expect(none(csv)).toBe(
      `User name,Access key ID,Secret access key\nci-bot,${SECRET_MASK},${SECRET_MASK}\n`,
    );
    expect(none(`secret: ${AWS_SECRET}\nid:     ${AWS_ID}`)).toBe(
      `secret: ${SECRET_MASK}\nid:     ${SECRET_MASK}`,
    );
  });
});

describe('createRedactor: credentials in URLs', () => {
  it('masks a password holding `/`', () => {
    expect(none('remote: https://deploy:ab/cd+ef/gh@git.example.com/o/r.git (fetch)')).toBe(
      `remote: https://deploy:${SECRET_MASK}@git.example.com/o/r.git (fetch)`,
    );
  });

  it('masks a password holding `@` up to the last `@` before the host, not half of it', () => {
    const masked = none('DATABASE_URL=postgres://app:p@ss@w0rd@db.internal:5432/app ready');
    expect(masked).toBe(`DATABASE_URL=postgres://app:${SECRET_MASK}@db.internal:5432/app ready`);
    expect(masked).not.toContain('w0rd');
  });

  it('masks a scheme-less user:password@host', () => {
    expect(none('connecting to admin:Hunter2-x9@db.example.com:5432 ... ok')).toBe(
      `connecting to admin:${SECRET_MASK}@db.example.com:5432 ... ok`,
    );
    expect(none('proxy=user:s3cr/et@10.0.0.7:3128')).toBe(`proxy=user:${SECRET_MASK}@10.0.0.7:3128`);
  });

  it('masks a URL with credentials nested in the query of another, and both of two URLs in one run', () => {
    expect(none('GET https://proxy.example/?next=https://ci:tok3n@git.example.com/o/r 302')).toBe(
      `GET https://proxy.example/?next=https://ci:${SECRET_MASK}@git.example.com/o/r 302`,
    );
    const two = none('mirrors=https://a:first-pw@one.example,https://b:second-pw@two.example/x');
    expect(two).not.toContain('first-pw');
    expect(two).not.toContain('second-pw');
    expect(two).toMatch(/^mirrors=https:\/\/a:<secret-hidden>@two\.example\/x$/);
  });

  it('masks a token given alone as the user of a URL', () => {
    expect(none('cloning https://0123456789abcdefABCDEF0123@github.com/o/r.git')).toBe(
      `cloning https://${SECRET_MASK}@github.com/o/r.git`,
    );
  });
});

describe('createRedactor: API-key, authorization and secret-named settings', () => {
  it.each([
    ['x-api-key', '> x-api-key: 3f9a1c2e7b6d4058a1c2e7b6d4058a1c', `> x-api-key: ${SECRET_MASK}`],
    [
      'api-key',
      'curl -H "api-key: k3y-0a1b2c3d4e5f" https://example.test/',
      `curl -H "api-key: ${SECRET_MASK}" https://example.test/`,
    ],
    ['x-auth-token', '"X-Auth-Token": "tok_9f8e7d6c5b4a"', `"X-Auth-Token": "${SECRET_MASK}"`],
    [
      'an api_key query parameter',
      'GET /v1/items?api_key=abc123def456&page=2',
      `GET /v1/items?api_key=${SECRET_MASK}&page=2`,
    ],
    ['a password setting', 'DB_PASSWORD=s3cretPass1 ./migrate', `DB_PASSWORD=${SECRET_MASK} ./migrate`],
    ['a secret in YAML', 'webhook_secret: 9d8c7b6a5f4e', `webhook_secret: ${SECRET_MASK}`],
    [
      'a token in JSON',
      '{"csrf_token": "8f14e45fceea167a5a36dedd4bea2543"}',
      `{"csrf_token": "${SECRET_MASK}"}`,
    ],
    ['authorization: basic', 'Authorization: Basic dXNlcjpwYXNz', `Authorization: Basic ${SECRET_MASK}`],
    ['authorization: token (short)', 'authorization: token abc123', `authorization: token ${SECRET_MASK}`],
    [
      'authorization: bearer',
      '< authorization: bearer eyJhbGciOi.x.y',
      `< authorization: bearer ${SECRET_MASK}`,
    ],
  ])('masks %s, keeping the header or setting name', (_name, text, expected) => {
    expect(none(text)).toBe(expected);
  });
});

describe('createRedactor: Stripe keys', () => {
  it('masks secret and restricted keys, live or test, and keeps publishable keys (they are public)', () => {
    const text = [
      'STRIPE_SECRET_KEY=sk_live_51HxYzAbCdEfGhIjKlMnOpQr',
      'STRIPE_RESTRICTED=rk_live_51HxYzAbCdEfGhIjKlMnOpQr',
      'STRIPE_TEST=sk_test_4eC39HqLyjWDarjtT1zdp7dc',
      'STRIPE_PUBLISHABLE=pk_live_51HxYzAbCdEfGhIjKlMnOpQr',
    ].join('\n');
    expect(none(text)).toBe(
      [
        `STRIPE_SECRET_KEY=${SECRET_MASK}`,
        `STRIPE_RESTRICTED=${SECRET_MASK}`,
        `STRIPE_TEST=${SECRET_MASK}`,
        'STRIPE_PUBLISHABLE=pk_live_51HxYzAbCdEfGhIjKlMnOpQr',
      ].join('\n'),
    );
  });
});

describe('createRedactor: configured secrets once encoded or split', () => {
  // A value with no recognisable shape: only being told about it can mask it.
  const configured = 'Zq7-plainvalue-Kx4/w9+eR2';
  const r = createRedactor({ secrets: [configured] });
  const bytes = Buffer.from(configured);

  it.each([0, 1, 2])('masks its base64 inside a longer encoded text, %i bytes in', (offset) => {
    const encoded = Buffer.from(`${'x'.repeat(offset)}TOKEN=${configured}\nPORT=3000\n`).toString('base64');
    const masked = r(`$ base64 -w0 .env\n${encoded}\n`);
    expect(masked).toContain(SECRET_MASK);
    const core = masked.split(SECRET_MASK).join('');
    // What is left of the encoded text no longer decodes to the secret at any alignment.
    for (const skip of [0, 1, 2, 3])
      expect(Buffer.from(core.slice(skip), 'base64').toString()).not.toContain('plainvalue');
  });

  it('masks its base64url, hex in both cases, and URL-encoded forms', () => {
    for (const form of [
      bytes.toString('base64url'),
      bytes.toString('hex'),
      bytes.toString('hex').toUpperCase(),
      encodeURIComponent(configured),
      bytes.toString('hex').replace(/../g, '%$&'),
    ]) {
      expect(r(`value: ${form} (from the build log)`)).toBe(`value: ${SECRET_MASK} (from the build log)`);
    }
  });

  it('masks it split by a newline, by literal \\n escapes, by spaces and by zero-width characters', () => {
    for (const split of [
      `${configured.slice(0, 9)}\n${configured.slice(9)}`,
      `${configured.slice(0, 5)}\\n${configured.slice(5, 12)}\\r\\n${configured.slice(12)}`,
      configured.split('').join(' '),
      configured.split('').join('\u200b'),
    ]) {
      expect(r(`start ${split} end`)).toBe(`start ${SECRET_MASK} end`);
    }
  });

  it('masks its base64 wrapped over lines as `base64` prints it', () => {
    const long = `${configured}${'-padding-to-wrap'.repeat(6)}`;
    const wrapped = Buffer.from(long).toString('base64').replace(/.{76}/g, '$&\n');
    const masked = createRedactor({ secrets: [long] })(`$ base64 secret.txt\n${wrapped}\n$ `);
    expect(masked.startsWith(`$ base64 secret.txt\n${SECRET_MASK}`)).toBe(true);
    expect(masked.endsWith('\n$ ')).toBe(true);
  });

  it('masks it inside JSON, where its quote and backslash come escaped', () => {
    const quoted = 'pa"ss\\word-9x2!';
    const masked = createRedactor({ secrets: [quoted] })(JSON.stringify({ password: quoted, user: 'ci' }));
    expect(masked).toBe(`{"password":"${SECRET_MASK}","user":"ci"}`);
  });

  it('masks it with tag characters (U+E0000 block) between its characters', () => {
    expect(r(`x ${configured.split('').join('\u{E0020}')} y`)).toBe(`x ${SECRET_MASK} y`);
  });

  it('masks two configured secrets that overlap as one span', () => {
    const both = createRedactor({ secrets: ['abcdef123456', '123456ghijkl'] });
    expect(both('x abcdef123456ghijkl y')).toBe(`x ${SECRET_MASK} y`);
  });
});

describe('createRedactor: ordinary text', () => {
  it('leaves git SHAs, UUIDs, lockfile integrity hashes and base64 of non-secrets alone', () => {
    const r = createRedactor({ secrets: ['Zq7-plainvalue-Kx4/w9+eR2', installationToken] });
    const text = [
      'commit 9fceb02d0ae598e95dc970b74767f19372d61af8',
      'Merge: 4fbefff 1c002dd',
      'request 3f2504e0-4f89-41d3-9a0c-0305e82c3301 finished',
      '"integrity": "sha512-v2kDEe57lecTulaDIuNTPy3Ry4gLGJ6Z1O3vE1krgXZNrsQ+LFTGHVxVjcXPs17LhbZVGedAJv8XZ1tvj5FvSg=="',
      `echo ${Buffer.from('hello world, this is a fixture').toString('base64')} | base64 -d`,
      'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    ].join('\n');
    expect(r(text)).toBe(text);
  });

  it('leaves code that names keys, template references, addresses and package specs alone', () => {
    const text = [
      'const apiKey = getKey();',
      "headers: { 'x-api-key': apiKey, Authorization: req.headers.authorization },",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a template
      'token: ${{ secrets.GITHUB_TOKEN }}',
      'api_key=$API_KEY ./deploy.sh',
      'Contact mailto:security@example.com or git@github.com:o/r.git',
      'npm install lodash@npm:lodash@4.17.21 node:20@sha256:abc',
      'Co-authored-by: Dev <dev@example.com>',
      'max_tokens: 4096, password_min_length=12, TOKEN_EXPIRY=3600',
      'const token = await getToken(1);',
      'GET https://registry.npmjs.org/@types/node and ssh://git@github.com/o/r.git',
    ].join('\n');
    expect(none(text)).toBe(text);
  });
});

describe('createRedactor: applied twice', () => {
  it('changes nothing the second time (an event is redacted, then the comment quoting it)', () => {
    const r = createRedactor({ secrets: ['Zq7-plainvalue-Kx4/w9+eR2'] });
    const text = [
      'Authorization: Bearer abcdef0123456789abcdef',
      'x-api-key: 3f9a1c2e7b6d4058a1c2e7b6d4058a1c',
      'postgres://app:p@ss@w0rd@db.internal:5432/app and admin:Hunter2-x9@db.example.com',
      `${AWS_ID},${AWS_SECRET}`,
      'DB_PASSWORD=s3cretPass1 and Zq7-plainvalue-Kx4/w9+eR2 split: Zq7-plain\nvalue-Kx4/w9+eR2',
    ].join('\n');
    const once = r(text);
    expect(once).not.toContain('plainvalue');
    expect(r(once)).toBe(once);
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

import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { gitWebRoot } from '../../src/cli/compose-worker.js';
import { createGitHubStandin, type GitHubStandin } from '../github-standin/create-github-standin.js';
import { runCli } from './run-cli.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PEM = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

describe('handsbot worker and start', () => {
  // A worker asks GitHub who the app is before anything else: the stand-in answers, as a GHE host.
  let standin: GitHubStandin | undefined;
  afterEach(async () => {
    await standin?.close();
    standin = undefined;
  });
  const githubFor = async (appPublicKey = publicKey) => {
    standin = await createGitHubStandin({ appId: 12345, appPublicKey });
    return { APP_ID: '12345', GHE_HOST: new URL(standin.url).host, GHE_PROTOCOL: 'http' };
  };

  it('refuse to start without the GitHub App credentials, naming each missing variable', async () => {
    const cwd = await mkdtemp(path.join(tmpdir(), 'handsbot-empty-'));
    const result = await runCli(['worker'], { HANDSBOT_DATA_DIR: cwd, HOME: cwd });
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/APP_ID is not set/);
  });

  it('fail fast, naming REDIS_URL, when Redis cannot be reached', async () => {
    const cwd = await mkdtemp(path.join(tmpdir(), 'handsbot-noredis-'));
    const result = await runCli(['start'], {
      HANDSBOT_DATA_DIR: cwd,
      ...(await githubFor()),
      PRIVATE_KEY: PEM,
      WEBHOOK_SECRET: 'webhook-secret-for-tests',
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/REDIS_URL/);
    expect(result.output).not.toContain('BEGIN RSA PRIVATE KEY');
  });

  it('refuse to start, naming the request and the reason, when GitHub will not say who the app is', async () => {
    const cwd = await mkdtemp(path.join(tmpdir(), 'handsbot-noidentity-'));
    // GitHub holds another key for this app id: the app JWT is refused.
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const result = await runCli(['worker'], {
      HANDSBOT_DATA_DIR: cwd,
      ...(await githubFor(other)),
      PRIVATE_KEY: PEM,
      WEBHOOK_SECRET: 'webhook-secret-for-tests',
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(
      /handsbot: could not learn the GitHub App’s identity: GET http:\/\/127\.0\.0\.1:\d+\/api\/v3\/app was refused \(401\): check that APP_ID and the private key are this app’s/,
    );
    expect(result.output).not.toContain('BEGIN RSA PRIVATE KEY');
    standin?.assertNoViolations();
  });
});

describe('gitWebRoot', () => {
  it('clones from github.com for the public API and from the host for GitHub Enterprise Server', () => {
    expect(gitWebRoot('https://api.github.com')).toBe('https://github.com');
    expect(gitWebRoot('https://ghe.example.com/api/v3')).toBe('https://ghe.example.com');
  });
});

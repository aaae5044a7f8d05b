import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, loadEnvironment } from '../../../src/config/index.js';
import {
  GitHubAppConfigError,
  resolveAppCredentials,
} from '../../../src/github/app/resolve-app-credentials.js';
import { startWebServer } from '../../../src/github/app/start-web-server.js';

const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

let dir: string;

beforeEach(async () => {
  // An empty working directory: Probot's rule also picks up a lone .pem file from it.
  dir = await mkdtemp(path.join(tmpdir(), 'handsbot-app-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('GitHub App configuration', () => {
  it('parses without any GitHub variable (the CLI needs none), with Probot defaults', () => {
    const config = loadConfig({});
    expect(config.githubApp).toEqual({
      appId: null,
      privateKey: null,
      privateKeyPath: null,
      webhookSecret: null,
      host: null,
      port: 3000,
      webhookPath: '/api/github/webhooks',
      webhookProxyUrl: null,
      baseUrl: 'https://api.github.com',
      gheHost: null,
      webHost: 'github.com',
      org: null,
      triggerLabel: 'openhands',
    });
  });

  it('points at GitHub Enterprise Server through GHE_HOST, and masks the key and the secret', () => {
    const config = loadConfig({
      GHE_HOST: 'github.example.com',
      PRIVATE_KEY: privateKey,
      WEBHOOK_SECRET: 'shh',
      HANDSBOT_TRIGGER_LABEL: 'fix-me',
    });
    expect(config.githubApp.baseUrl).toBe('https://github.example.com/api/v3');
    // The one host agent-written links and images may point at.
    expect(config.githubApp.webHost).toBe('github.example.com');
    expect(config.githubApp.triggerLabel).toBe('fix-me');
    expect(config.secrets).toEqual(expect.arrayContaining([privateKey, 'shh']));
  });

  it('names a bad APP_ID or PORT without showing a key', () => {
    expect(() => loadConfig({ APP_ID: 'abc', PORT: '99999', PRIVATE_KEY: 'secret-pem' })).toThrow(
      /APP_ID: expected the GitHub App id.*\n.*PORT: expected a port number/,
    );
  });

  it('says exactly which credential is missing, and that the setup flow applies', () => {
    const check = resolveAppCredentials(loadConfig({}).githubApp, { cwd: dir });
    expect(check).toEqual({
      ok: false,
      needsSetup: true,
      problems: [
        'APP_ID is not set (the GitHub App id)',
        'PRIVATE_KEY or PRIVATE_KEY_PATH is not set (the GitHub App private key)',
        'WEBHOOK_SECRET is not set (the secret GitHub signs deliveries with)',
      ],
    });
    const onlySecret = resolveAppCredentials(loadConfig({ APP_ID: '7', PRIVATE_KEY: privateKey }).githubApp, {
      cwd: dir,
    });
    expect(onlySecret).toEqual({
      ok: false,
      needsSetup: false,
      problems: ['WEBHOOK_SECRET is not set (the secret GitHub signs deliveries with)'],
    });
  });

  it('tells a bad key from a missing one', () => {
    const garbage = resolveAppCredentials(
      loadConfig({ APP_ID: '7', PRIVATE_KEY: 'not a key', WEBHOOK_SECRET: 's' }).githubApp,
      { cwd: dir },
    );
    expect(garbage).toMatchObject({
      ok: false,
      needsSetup: false,
      problems: [expect.stringMatching(/^PRIVATE_KEY is not a PEM/)],
    });
    const nowhere = resolveAppCredentials(
      loadConfig({ APP_ID: '7', PRIVATE_KEY_PATH: 'missing.pem', WEBHOOK_SECRET: 's' }).githubApp,
      { cwd: dir },
    );
    expect(nowhere).toMatchObject({
      ok: false,
      problems: ['PRIVATE_KEY_PATH names no readable file (missing.pem)'],
    });
  });

  it('reads the key from PRIVATE_KEY_PATH, from base64, and from a .env file written by the setup flow', async () => {
    await writeFile(path.join(dir, 'app.pem'), privateKey);
    const fromPath = resolveAppCredentials(
      loadConfig({ APP_ID: '7', PRIVATE_KEY_PATH: 'app.pem', WEBHOOK_SECRET: 's' }).githubApp,
      { cwd: dir },
    );
    expect(fromPath.ok && fromPath.credentials).toEqual({ appId: 7, privateKey, webhookSecret: 's' });
    const base64 = Buffer.from(privateKey).toString('base64');
    const fromBase64 = resolveAppCredentials(
      loadConfig({ APP_ID: '7', PRIVATE_KEY: base64, WEBHOOK_SECRET: 's' }).githubApp,
    );
    expect(fromBase64.ok && fromBase64.credentials.privateKey).toBe(privateKey);

    // What Probot's setup writes: the PEM quoted, its newlines escaped.
    await writeFile(
      path.join(dir, '.env'),
      `APP_ID=99\nPRIVATE_KEY="${privateKey.replace(/\n/g, '\\n')}"\nWEBHOOK_SECRET=from-file\n`,
    );
    const env = loadEnvironment({ cwd: dir, env: { WEBHOOK_SECRET: 'from-process' } });
    const fromDotEnv = resolveAppCredentials(loadConfig(env).githubApp, { cwd: dir });
    expect(fromDotEnv.ok && fromDotEnv.credentials).toEqual({
      appId: 99,
      privateKey,
      webhookSecret: 'from-process',
    });
  });

  it('refuses to start the web server without credentials, naming each missing one', async () => {
    const attempt = startWebServer({
      config: loadConfig({ APP_ID: '7' }),
      // Never reached: the check comes before anything else.
      queue: { enqueue: () => Promise.reject(new Error('not reached')) },
      logger: pino({ level: 'silent' }),
      cwd: dir,
    });
    await expect(attempt).rejects.toThrow(GitHubAppConfigError);
    await expect(attempt).rejects.toThrow(
      /PRIVATE_KEY or PRIVATE_KEY_PATH is not set.*\n.*WEBHOOK_SECRET is not set/,
    );
  });
});

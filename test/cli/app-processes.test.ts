import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitWebRoot } from '../../src/cli/compose-worker.js';
import { runCli } from './run-cli.js';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PEM = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

describe('handsbot worker and start', () => {
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
      APP_ID: '12345',
      PRIVATE_KEY: PEM,
      WEBHOOK_SECRET: 'webhook-secret-for-tests',
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/REDIS_URL/);
    expect(result.output).not.toContain('BEGIN RSA PRIVATE KEY');
  });
});

describe('gitWebRoot', () => {
  it('clones from github.com for the public API and from the host for GitHub Enterprise Server', () => {
    expect(gitWebRoot('https://api.github.com')).toBe('https://github.com');
    expect(gitWebRoot('https://ghe.example.com/api/v3')).toBe('https://ghe.example.com');
  });
});

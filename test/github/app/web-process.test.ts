import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import nock from 'nock';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CONTROL_QUEUE_NAME, RUN_QUEUE_NAME } from '../../../jobs/job-ids.js';
import { loadConfig } from '../../../src/config/index.js';
import { GitHubAppConfigError } from '../../../src/github/app/resolve-app-credentials.js';
import { serveWebProcess, type WebProcess } from '../../../src/github/app/serve-web-process.js';
import { connectTestRedis, deleteKeysWithPrefix } from '../../support/redis.js';
import { deliverWebhook, exampleWebhook, freePort, type Payload } from '../../support/webhooks.js';

/**
 * The web process as `npm start` runs it, enqueueing into the BullMQ queue of jobs/: the web side's
 * `RunQueue` interface is met by the real queue, and what it stores is what a worker reads.
 */

const SECRET = 'webhook-secret-for-tests';
const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

let redis: Redis;
let prefix: string;
let cwd: string;
let web: WebProcess | undefined;
const queues: Queue[] = [];

beforeAll(async () => {
  redis = await connectTestRedis();
});

afterAll(async () => {
  redis.disconnect();
});

beforeEach(async () => {
  prefix = `test-${randomUUID()}`;
  cwd = await mkdtemp(path.join(tmpdir(), 'handsbot-web-'));
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});

afterEach(async () => {
  await web?.stop();
  web = undefined;
  for (const queue of queues.splice(0)) {
    await queue.obliterate({ force: true });
    await queue.close();
  }
  await deleteKeysWithPrefix(redis, prefix);
  await rm(cwd, { recursive: true, force: true });
  nock.enableNetConnect();
});

function openQueue(name: string): Queue {
  const queue = new Queue(name, { connection: redis.duplicate(), prefix });
  queues.push(queue);
  return queue;
}

async function start(extra: Record<string, string> = {}): Promise<WebProcess> {
  const env = {
    APP_ID: '12345',
    PRIVATE_KEY: privateKey,
    WEBHOOK_SECRET: SECRET,
    HOST: '127.0.0.1',
    PORT: String(await freePort()),
    HANDSBOT_QUEUE_PREFIX: prefix,
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    ...extra,
  };
  web = await serveWebProcess({ env, config: loadConfig(env), logger: pino({ level: 'silent' }), cwd });
  return web;
}

function deliver(server: WebProcess, name: string, payload: Payload, id: string = randomUUID()) {
  return deliverWebhook({ url: server.webhookUrl, secret: SECRET, name, id, payload });
}

describe('the web process', () => {
  it('puts runs and control commands on the BullMQ queues, once per trigger', async () => {
    const server = await start();
    expect(server.mode).toBe('webhooks');
    const label = exampleWebhook('issues', 'labeled', { label: { name: 'openhands' } });
    const labelId = randomUUID();
    expect((await deliver(server, 'issues', label, labelId)).status).toBe(200);
    expect((await deliver(server, 'issues', label, labelId)).status).toBe(200); // redelivered
    const reviewComment = (id: number) =>
      exampleWebhook('pull_request_review_comment', 'created', { comment: { id } });
    await deliver(server, 'pull_request_review_comment', reviewComment(284312630));
    await deliver(server, 'pull_request_review_comment', reviewComment(284312631));
    await deliver(server, 'pull_request_review', exampleWebhook('pull_request_review', 'submitted'));
    const stop = exampleWebhook('issue_comment', 'created', { comment: { id: 77, body: '/agent stop' } });
    await deliver(server, 'issue_comment', stop);

    const runs = await openQueue(RUN_QUEUE_NAME).getJobs(['waiting']);
    expect(runs.map((job) => [job.name, job.data.number, job.data.deliveryId === labelId])).toEqual(
      expect.arrayContaining([
        ['issue_labeled', 1, true],
        ['pr_review', 2, false],
      ]),
    );
    expect(runs).toHaveLength(2);
    const controls = await openQueue(CONTROL_QUEUE_NAME).getJobs(['waiting']);
    expect(controls.map((job) => [job.name, job.data.commentId])).toEqual([['stop', 77]]);
  });

  it('runs the setup flow when no app is registered, without touching Redis', async () => {
    const before = process.env.NO_SMEE_SETUP;
    process.env.NO_SMEE_SETUP = 'true';
    try {
      const server = await start({ APP_ID: '', PRIVATE_KEY: '', REDIS_URL: 'redis://127.0.0.1:1' });
      expect(server.mode).toBe('setup');
      expect((await fetch(server.webhookUrl)).status).toBe(200);
    } finally {
      if (before === undefined) delete process.env.NO_SMEE_SETUP;
      else process.env.NO_SMEE_SETUP = before;
    }
  });

  it('refuses a partly configured app, naming what is missing', async () => {
    await expect(start({ WEBHOOK_SECRET: '' })).rejects.toThrow(GitHubAppConfigError);
    await expect(start({ WEBHOOK_SECRET: '' })).rejects.toThrow(/WEBHOOK_SECRET is not set/);
  });
});

import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import nock from 'nock';
import { pino } from 'pino';
import { ProbotOctokit } from 'probot';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { JobData } from '../../../jobs/job-data.js';
import { loadConfig } from '../../../src/config/index.js';
import type { RunQueue } from '../../../src/github/app/run-queue.js';
import { startWebServer, type WebServer } from '../../../src/github/app/start-web-server.js';
import { connectTestRedis, deleteKeysWithPrefix } from '../../support/redis.js';
import {
  deliverWebhook,
  exampleWebhook,
  freePort,
  type Payload,
  pullRequestFields,
  TEST_INSTALLATION,
} from '../../support/webhooks.js';
import { RedisRunQueue } from './redis-run-queue.js';

const SECRET = 'webhook-secret-for-tests';
const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const TestOctokit = ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } });
// The example payloads' repository and sender.
const REPOSITORY = { id: 186853002, owner: 'Codertocat', name: 'Hello-World' };
const SENDER = { login: 'Codertocat', id: 21031067 };

let redis: Redis;
let prefix: string;
let queue: RedisRunQueue;
let server: WebServer;
let logs: Array<Record<string, unknown>>;
let github: nock.Scope;

async function startServer(runQueue: RunQueue): Promise<WebServer> {
  const port = await freePort();
  const config = loadConfig({
    APP_ID: '12345',
    PRIVATE_KEY: privateKey,
    WEBHOOK_SECRET: SECRET,
    HOST: '127.0.0.1',
    PORT: String(port),
  });
  const logger = pino({ level: 'debug' }, { write: (line: string) => logs.push(JSON.parse(line)) });
  return startWebServer({ config, queue: runQueue, logger, Octokit: TestOctokit });
}

function deliver(name: string, payload: Payload | string, id: string = randomUUID()) {
  return deliverWebhook({ url: server.webhookUrl, secret: SECRET, name, id, payload });
}

function comment(body: string, overrides: Payload = {}): Payload {
  return exampleWebhook('issue_comment', 'created', { comment: { body }, ...overrides });
}

beforeAll(async () => {
  redis = await connectTestRedis();
});

afterAll(async () => {
  redis.disconnect();
});

beforeEach(async () => {
  logs = [];
  prefix = `test-${randomUUID()}`;
  queue = new RedisRunQueue(redis, prefix);
  // The web side must never reach GitHub: every other host is refused, and any request to the API
  // would use up one of these interceptors (checked after each test).
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  github = nock('https://api.github.com')
    .persist()
    .get(/.*/)
    .reply(500)
    .post(/.*/)
    .reply(500)
    .patch(/.*/)
    .reply(500)
    .put(/.*/)
    .reply(500)
    .delete(/.*/)
    .reply(500);
  server = await startServer(queue);
});

afterEach(async () => {
  await server.stop();
  expect(github.pendingMocks()).toHaveLength(5);
  nock.cleanAll();
  nock.enableNetConnect();
  await deleteKeysWithPrefix(redis, prefix);
});

describe('the web server', () => {
  it('turns the trigger label into one run job with ids only', async () => {
    const id = randomUUID();
    const response = await deliver(
      'issues',
      exampleWebhook('issues', 'labeled', { label: { name: 'openhands' } }),
      id,
    );
    expect(response.status).toBe(200);
    const jobs = await queue.jobs();
    expect(jobs.map((job) => job.data)).toEqual([
      {
        type: 'run',
        installationId: TEST_INSTALLATION.id,
        repository: REPOSITORY,
        sender: SENDER,
        deliveryId: id,
        triggeredAt: '2019-05-15T15:20:18Z',
        number: 1,
        trigger: { kind: 'issue_labeled', issueNumber: 1, label: 'openhands' },
      } satisfies JobData,
    ]);
  });

  it('enqueues any label: a repository may set its own trigger label, which only the job can read', async () => {
    expect((await deliver('issues', exampleWebhook('issues', 'labeled'))).status).toBe(200); // "bug"
    await deliver('issues', exampleWebhook('issues', 'labeled', { label: { name: 'fix-me' } }));
    const triggers = (await queue.jobs()).map((job) => job.data.type === 'run' && job.data.trigger);
    expect(triggers).toEqual([
      { kind: 'issue_labeled', issueNumber: 1, label: 'bug' },
      { kind: 'issue_labeled', issueNumber: 1, label: 'fix-me' },
    ]);
  });

  it('turns /agent fix on a pull request into a pr_command with the instructions', async () => {
    const payload = comment('/agent fix make it clearer', pullRequestFields(2));
    expect((await deliver('issue_comment', payload)).status).toBe(200);
    const [job, ...others] = await queue.jobs();
    expect(others).toEqual([]);
    expect(job?.data).toMatchObject({
      type: 'run',
      number: 2,
      triggeredAt: '2019-05-15T15:20:21Z',
      trigger: { kind: 'pr_command', prNumber: 2, commentId: 492700400, instructions: 'make it clearer' },
    });
  });

  it('turns /agent fix on an issue into an issue_command', async () => {
    await deliver('issue_comment', comment('/agent fix make it clearer'));
    expect((await queue.jobs()).map((job) => job.data)).toEqual([
      expect.objectContaining({
        type: 'run',
        number: 1,
        sender: SENDER,
        trigger: {
          kind: 'issue_command',
          issueNumber: 1,
          commentId: 492700400,
          instructions: 'make it clearer',
        },
      }),
    ]);
  });

  it('turns /agent stop, approve, reject and help into control jobs', async () => {
    const bodies = [
      '/agent stop',
      '/agent approve',
      '/agent reject because it drops the table',
      '/agent help',
    ];
    for (const [index, body] of bodies.entries()) {
      await deliver('issue_comment', comment(body, { comment: { id: 900 + index, body } }));
    }
    const jobs = (await queue.jobs()).map((job) => job.data);
    expect(jobs.map((data) => data.type === 'control' && [data.commentId, data.command])).toEqual([
      [900, { kind: 'stop' }],
      [901, { kind: 'approve' }],
      [902, { kind: 'reject', reason: 'because it drops the table' }],
      [903, { kind: 'help' }],
    ]);
  });

  it('ignores comments without a command, and commands in code blocks or quotes', async () => {
    for (const body of [
      'You are totally right!',
      'Try this:\n```\n/agent fix\n```',
      '> /agent fix\n\nnot yet',
      'run `/agent fix` later',
    ]) {
      expect((await deliver('issue_comment', comment(body))).status).toBe(200);
    }
    expect(await queue.jobs()).toEqual([]);
  });

  it('never lets a bot trigger anything, handsbot itself included', async () => {
    const bots = [
      { login: 'handsbot[bot]', id: 1001, type: 'Bot' },
      { login: 'dependabot[bot]', id: 1002, type: 'Bot' },
      { login: 'renovate[bot]', id: 1003, type: 'User' },
      { login: 'some-app', id: 1004, type: 'Bot' },
    ];
    for (const sender of bots) {
      await deliver('issue_comment', comment('/agent fix everything', { sender }));
      await deliver('issues', exampleWebhook('issues', 'labeled', { label: { name: 'openhands' }, sender }));
      await deliver('pull_request_review', exampleWebhook('pull_request_review', 'submitted', { sender }));
    }
    expect(await queue.jobs()).toEqual([]);
    expect(logs.filter((line) => line.msg === 'ignored: sent by a bot')).toHaveLength(bots.length * 3);
  });

  it('makes one job of a redelivered webhook', async () => {
    const id = randomUUID();
    const label = exampleWebhook('issues', 'labeled', { label: { name: 'openhands' } });
    const fix = comment('/agent fix make it clearer');
    const fixId = randomUUID();
    for (let attempt = 0; attempt < 2; attempt++) {
      expect((await deliver('issues', label, id)).status).toBe(200);
      expect((await deliver('issue_comment', fix, fixId)).status).toBe(200);
    }
    const jobs = await queue.jobs();
    expect(jobs.map((job) => job.data.deliveryId)).toEqual([id, fixId]);
    expect(logs.filter((line) => line.msg === 'enqueued').map((line) => line.status)).toEqual([
      'queued',
      'queued',
      'duplicate',
      'duplicate',
    ]);
  });

  it('makes one job of a review with two comments, whatever order the deliveries come in', async () => {
    const reviewId = 237895671; // the example review; its example comment carries this id
    const reviewComment = (id: number) =>
      exampleWebhook('pull_request_review_comment', 'created', {
        comment: { id, pull_request_review_id: reviewId },
      });
    await deliver('pull_request_review_comment', reviewComment(284312630));
    await deliver('pull_request_review_comment', reviewComment(284312631));
    await deliver('pull_request_review', exampleWebhook('pull_request_review', 'submitted'));
    const jobs = await queue.jobs();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.data).toMatchObject({
      type: 'run',
      number: 2,
      trigger: { kind: 'pr_review', prNumber: 2, reviewId, commentId: 284312630 },
    });
  });

  it('acts on reviews that request changes or comment, not on approvals', async () => {
    const review = (id: number, state: string) =>
      exampleWebhook('pull_request_review', 'submitted', { review: { id, state } });
    await deliver('pull_request_review', review(1, 'approved'));
    await deliver('pull_request_review', review(2, 'changes_requested'));
    await deliver('pull_request_review', review(3, 'commented'));
    const jobs = (await queue.jobs()).map((job) => job.data);
    expect(jobs.map((data) => data.type === 'run' && data.trigger)).toEqual([
      { kind: 'pr_review', prNumber: 2, reviewId: 2 },
      { kind: 'pr_review', prNumber: 2, reviewId: 3 },
    ]);
    expect(jobs[0]?.triggeredAt).toBe('2019-05-15T15:20:38Z');
  });

  it('answers 400 to a bad signature and enqueues nothing', async () => {
    const response = await deliverWebhook({
      url: server.webhookUrl,
      secret: SECRET,
      signWith: 'not-the-secret',
      name: 'issues',
      id: randomUUID(),
      payload: exampleWebhook('issues', 'labeled', { label: { name: 'openhands' } }),
    });
    expect(response.status).toBe(400);
    expect(await queue.jobs()).toEqual([]);
  });

  it('logs a malformed payload, answers without crashing, and keeps serving', async () => {
    const malformed: Array<[string, Payload | string]> = [
      ['issue_comment', { action: 'created', comment: { body: '/agent fix' } }],
      ['issues', { action: 'labeled', label: { name: 'openhands' }, sender: SENDER }],
      ['issue_comment', comment('/agent fix', { installation: null })],
      [
        'pull_request_review',
        exampleWebhook('pull_request_review', 'submitted', { review: { id: 'seven' } }),
      ],
      ['pull_request_review_comment', { action: 'created' }],
    ];
    for (const [name, payload] of malformed) {
      expect((await deliver(name, payload)).status).toBe(200);
    }
    expect(logs.filter((line) => line.msg === 'ignored a malformed payload')).toHaveLength(malformed.length);
    // Not even JSON (400), or JSON that is no object: Probot's own event set-up throws on `null` and a
    // string before any handler runs (500, logged). None of it stops the server.
    const answers: Array<[string, number]> = [];
    for (const body of ['{"action": "labeled", ', 'null', '[]', '"openhands"']) {
      answers.push([body, (await deliver('issues', body)).status]);
    }
    expect(answers.map(([, status]) => status)).toEqual([400, 500, 200, 500]);
    expect(await queue.jobs()).toEqual([]);

    await deliver('issue_comment', comment('/agent fix make it clearer'));
    expect(await queue.jobs()).toHaveLength(1);
    const ping = await fetch(new URL('/ping', server.webhookUrl));
    expect(await ping.text()).toBe('PONG');
  });

  it('fails the delivery (500) when the job cannot be stored, so GitHub can redeliver it', async () => {
    await server.stop();
    // A real client whose server is gone: every command fails at once.
    const gone = new Redis(`redis://127.0.0.1:${await freePort()}`, {
      lazyConnect: true,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    server = await startServer(new RedisRunQueue(gone, prefix));
    const response = await deliver(
      'issues',
      exampleWebhook('issues', 'labeled', { label: { name: 'openhands' } }),
    );
    expect(response.status).toBe(500);
    expect(logs.some((line) => line.msg === 'could not enqueue; the delivery fails')).toBe(true);
    gone.disconnect();
  });
});

import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { connectRedis } from '../../jobs/connect-redis.js';
import type { JobData } from '../../jobs/job-data.js';
import { RunQueue } from '../../jobs/run-queue.js';
import { connectTestRedis, deleteKeysWithPrefix } from '../support/redis.js';

export const quietLogger = pino({ level: 'silent' });

export type RunData = Extract<JobData, { type: 'run' }>;
export type ControlData = Extract<JobData, { type: 'control' }>;

export function runData(overrides: Partial<RunData> = {}): RunData {
  const number = overrides.number ?? 5;
  return {
    type: 'run',
    installationId: 1,
    repository: { id: 42, owner: 'octo', name: 'repo' },
    sender: { login: 'alice', id: 7 },
    deliveryId: randomUUID(),
    triggeredAt: '2025-01-01T00:00:00Z',
    number,
    trigger: { kind: 'issue_labeled', issueNumber: number, label: 'openhands' },
    ...overrides,
  };
}

export function controlData(
  command: ControlData['command'],
  overrides: Partial<ControlData> = {},
): ControlData {
  return {
    type: 'control',
    installationId: 1,
    repository: { id: 42, owner: 'octo', name: 'repo' },
    sender: { login: 'alice', id: 7 },
    deliveryId: randomUUID(),
    triggeredAt: '2025-01-01T00:00:00Z',
    number: 5,
    commentId: 99,
    command,
    ...overrides,
  };
}

/** A real Redis, a queue under a fresh prefix, and the cleanup for `afterEach`. */
export interface QueueFixture {
  redis: Redis;
  prefix: string;
  queue: RunQueue;
  url: string;
  cleanup(): Promise<void>;
}

export async function createQueueFixture(options: { backoffMs?: number; attempts?: number } = {}) {
  // Fails (never skips) when Redis is missing, with the command to start it.
  const probe = await connectTestRedis();
  probe.disconnect();
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redis = await connectRedis(url);
  const prefix = `test-${randomUUID()}`;
  const queue = new RunQueue({ connection: redis, prefix, backoffMs: options.backoffMs ?? 50, ...options });
  const closers: (() => Promise<void>)[] = [];
  const fixture: QueueFixture & { onCleanup(fn: () => Promise<void>): void } = {
    redis,
    prefix,
    queue,
    url,
    onCleanup(fn) {
      closers.push(fn);
    },
    async cleanup() {
      for (const close of closers.reverse()) await close();
      await queue.runs.obliterate({ force: true });
      await queue.controls.obliterate({ force: true });
      await queue.close();
      await deleteKeysWithPrefix(redis, prefix);
      redis.disconnect();
    },
  };
  return fixture;
}

export async function waitFor<T>(
  check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  { timeoutMs = 10_000, intervalMs = 25, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Resolves when `signal` aborts. */
export function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

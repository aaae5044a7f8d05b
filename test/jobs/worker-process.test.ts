import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectRedis } from '../../jobs/connect-redis.js';
import { RedisUnavailableError } from '../../jobs/job-errors.js';
import type { RunJobContext } from '../../jobs/run-job-context.js';
import { startRunWorker } from '../../jobs/run-worker.js';
import { startWorkerProcess } from '../../jobs/start-worker-process.js';
import { loadConfig } from '../../src/config/index.js';
import { createQueueFixture, quietLogger, runData, waitFor } from './support.js';

const CHILD = fileURLToPath(new URL('./fixtures/worker-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LOCK_MS = 1_500;

let fx: Awaited<ReturnType<typeof createQueueFixture>>;
beforeEach(async () => {
  fx = await createQueueFixture();
});
afterEach(async () => {
  await fx.cleanup();
});

interface Child {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startChild(): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      REDIS_URL: fx.url,
      HANDSBOT_QUEUE_PREFIX: fx.prefix,
      HANDSBOT_JOB_LOCK_MS: String(LOCK_MS),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    for (const part of parts) if (part.trim()) lines.push(JSON.parse(part) as Record<string, unknown>);
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => {
      if (code !== 0 && code !== null && stderr) process.stderr.write(stderr);
      resolve({ code, signal });
    }),
  );
  fx.onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  return { child, lines, exited };
}

/** "Another worker", in this process, that records what it is told about the jobs it picks up. */
async function secondWorker() {
  const seen: Pick<RunJobContext, 'jobId' | 'runId' | 'resume' | 'stalled' | 'attempt'>[] = [];
  const handle = await startRunWorker({
    connection: fx.redis,
    prefix: fx.prefix,
    queue: fx.queue,
    logger: quietLogger,
    lockDurationMs: LOCK_MS,
    stalledIntervalMs: 500,
    processor: async (ctx) => {
      seen.push({
        jobId: ctx.jobId,
        runId: ctx.runId,
        resume: ctx.resume,
        stalled: ctx.stalled,
        attempt: ctx.attempt,
      });
      return { outcome: 'no_changes', runId: ctx.runId };
    },
  });
  fx.onCleanup(() => handle.close());
  return seen;
}

describe('worker process', () => {
  it('a job whose worker is killed hard is picked up by another worker, told to resume the same run', async () => {
    const first = startChild();
    await waitFor(() => first.lines.some((l) => l.event === 'ready'), {
      timeoutMs: 20_000,
      what: 'child ready',
    });
    const { jobId } = await fx.queue.enqueue(runData());
    const started = await waitFor(() => first.lines.find((l) => l.event === 'started'), {
      what: 'child start',
    });
    expect(started).toMatchObject({ jobId, resume: false });

    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const seen = await secondWorker();
    const [pickup] = await waitFor(() => (seen.length > 0 ? seen : null), {
      timeoutMs: 15_000,
      what: 'pickup',
    });
    expect(pickup).toEqual({ jobId, runId: started.runId, resume: true, stalled: true, attempt: 1 });
    await waitFor(async () => (await fx.queue.runs.getJobState(jobId)) === 'completed', {
      what: 'completion',
    });
  });

  it('SIGTERM: the running job is told to drain, the process exits, and another worker resumes the job', async () => {
    const first = startChild();
    await waitFor(() => first.lines.some((l) => l.event === 'ready'), {
      timeoutMs: 20_000,
      what: 'child ready',
    });
    const { jobId } = await fx.queue.enqueue(runData());
    const started = await waitFor(() => first.lines.find((l) => l.event === 'started'), {
      what: 'child start',
    });

    first.child.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    expect(first.lines.map((l) => l.event)).toEqual(['ready', 'started', 'drain']);
    // Put back to wait, not failed, and not counted as an attempt.
    const job = await fx.queue.runs.getJob(jobId);
    expect(await job?.getState()).toBe('waiting');
    expect(job?.attemptsMade).toBe(0);

    const seen = await secondWorker();
    const [pickup] = await waitFor(() => (seen.length > 0 ? seen : null), { what: 'pickup' });
    expect(pickup).toEqual({ jobId, runId: started.runId, resume: true, stalled: false, attempt: 1 });
  });
});

describe('Redis at start-up', () => {
  it('an unreachable REDIS_URL fails fast with an error naming REDIS_URL (password hidden)', async () => {
    const config = loadConfig({ REDIS_URL: 'redis://:hunter2secret@127.0.0.1:1' });
    const startedAt = Date.now();
    const error = await startWorkerProcess({
      config,
      logger: pino({ level: 'silent' }),
      processor: async (ctx) => ({ outcome: 'no_changes', runId: ctx.runId }),
      controlPorts: { authorize: async () => false, acknowledge: async () => {} },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisUnavailableError);
    const message = (error as Error).message;
    expect(message).toContain('REDIS_URL=redis://:***@127.0.0.1:1');
    expect(message).toContain('ECONNREFUSED');
    expect(message).not.toContain('hunter2secret');
    expect(Date.now() - startedAt).toBeLessThan(5_000);
  });

  it('a host that does not answer fails within the connect timeout', async () => {
    // 10.255.255.1 is unroutable here: the connection attempt hangs until the timeout.
    const error = await connectRedis('redis://10.255.255.1:6379', { connectTimeoutMs: 500 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RedisUnavailableError);
    expect((error as Error).message).toContain('REDIS_URL');
  });
});

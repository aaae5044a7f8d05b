import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startControlWorker } from '../../jobs/control-worker.js';
import { JobDrainingError, PermanentJobError, TransientJobError } from '../../jobs/job-errors.js';
import type { ControlOutcome, ControlPorts } from '../../jobs/process-control-job.js';
import type { RunJobContext, RunJobProcessor } from '../../jobs/run-job-context.js';
import { startRunWorker } from '../../jobs/run-worker.js';
import { aborted, controlData, createQueueFixture, quietLogger, runData, waitFor } from './support.js';

let fx: Awaited<ReturnType<typeof createQueueFixture>>;
beforeEach(async () => {
  fx = await createQueueFixture();
});
afterEach(async () => {
  await fx.cleanup();
});

async function runWorker(
  processor: RunJobProcessor,
  extra: { concurrency?: number; perInstallationLimit?: number } = {},
) {
  const handle = await startRunWorker({
    connection: fx.redis,
    prefix: fx.prefix,
    queue: fx.queue,
    processor,
    logger: quietLogger,
    installationRetryDelayMs: 100,
    ...extra,
  });
  fx.onCleanup(() => handle.close());
  return handle;
}

/** Control ports as the GitHub adapter will implement them: here, a fixed answer and a record. */
function controlPorts(allowed: boolean) {
  const acknowledged: ControlOutcome[] = [];
  const ports: ControlPorts = {
    authorize: async () => allowed,
    acknowledge: async (_data, outcome) => {
      acknowledged.push(outcome);
    },
  };
  return { ports, acknowledged };
}

async function controlWorker(ports: ControlPorts) {
  const worker = await startControlWorker({
    connection: fx.redis,
    queue: fx.queue,
    ports,
    logger: quietLogger,
  });
  fx.onCleanup(() => worker.close());
}

describe('run worker', () => {
  it('/agent stop reaches a running processor within seconds and the job ends as cancelled', async () => {
    let seen: RunJobContext | undefined;
    await runWorker(async (ctx) => {
      seen = ctx;
      await aborted(ctx.signal);
      throw new Error('aborted mid-step');
    });
    const { ports, acknowledged } = controlPorts(true);
    await controlWorker(ports);
    const { jobId } = await fx.queue.enqueue(runData());
    const ctx = await waitFor(() => seen, { what: 'processor start' });

    const stoppedAt = Date.now();
    await fx.queue.enqueue(controlData({ kind: 'stop' }));
    await aborted(ctx.signal);
    expect(Date.now() - stoppedAt).toBeLessThan(3_000);

    const state = await waitFor(async () => {
      const s = await fx.queue.runs.getJobState(jobId);
      return s === 'completed' ? s : null;
    });
    expect(state).toBe('completed');
    const job = await fx.queue.runs.getJob(jobId);
    expect(job?.returnvalue).toMatchObject({ outcome: 'cancelled', message: 'stopped by @alice' });
    expect(acknowledged).toEqual([{ kind: 'stop_requested', runJobId: jobId }]);
  });

  it('a stop from someone without permission stops nothing', async () => {
    let seen: RunJobContext | undefined;
    await runWorker(async (ctx) => {
      seen = ctx;
      await Promise.race([aborted(ctx.signal), aborted(ctx.drain)]);
      if (ctx.drain.aborted) throw new JobDrainingError('waiting');
      return { outcome: 'cancelled', runId: ctx.runId };
    });
    const { ports, acknowledged } = controlPorts(false);
    await controlWorker(ports);
    await fx.queue.enqueue(runData());
    const ctx = await waitFor(() => seen);
    await fx.queue.enqueue(controlData({ kind: 'stop' }));
    await waitFor(() => acknowledged.length > 0);
    expect(acknowledged).toEqual([{ kind: 'denied' }]);
    expect(ctx.signal.aborted).toBe(false);
  });

  it('a stop for a run that has not started removes it and frees the target', async () => {
    const { ports, acknowledged } = controlPorts(true);
    await controlWorker(ports);
    const { jobId } = await fx.queue.enqueue(runData());
    await fx.queue.enqueue(controlData({ kind: 'stop' }));
    await waitFor(() => acknowledged.length > 0);
    expect(acknowledged).toEqual([{ kind: 'stop_requested', runJobId: jobId }]);
    expect(await fx.queue.runs.getJob(jobId)).toBeUndefined();
    expect((await fx.queue.enqueue(runData())).status).toBe('queued');
  });

  it('approve and reject reach a run waiting for a decision', async () => {
    const decisions: unknown[] = [];
    await runWorker(async (ctx) => {
      decisions.push(await ctx.waitForDecision(ctx.signal));
      decisions.push(await ctx.waitForDecision(ctx.signal));
      return { outcome: 'no_changes', runId: ctx.runId };
    });
    await controlWorker(controlPorts(true).ports);
    const { jobId } = await fx.queue.enqueue(runData());
    await waitFor(async () => (await fx.queue.runs.getJobState(jobId)) === 'active');
    await fx.queue.enqueue(controlData({ kind: 'approve' }));
    await fx.queue.enqueue(
      controlData({ kind: 'reject', reason: 'not that file' }, { sender: { login: 'bob', id: 8 } }),
    );
    await waitFor(async () => (await fx.queue.runs.getJobState(jobId)) === 'completed');
    expect(decisions).toEqual([
      { approve: true, by: '@alice' },
      { approve: false, by: '@bob', reason: 'not that file' },
    ]);
  });

  it('retries a transient failure with backoff, reporting progress, then succeeds', async () => {
    const attempts: { attempt: number; resume: boolean; runId: string }[] = [];
    await runWorker(async (ctx) => {
      attempts.push({ attempt: ctx.attempt, resume: ctx.resume, runId: ctx.runId });
      await ctx.reportProgress({ step: 'run-agent', iterations: 3 });
      if (ctx.attempt === 1) throw new TransientJobError('GitHub answered 502');
      return { outcome: 'no_changes', runId: ctx.runId };
    });
    const { jobId } = await fx.queue.enqueue(runData());
    await waitFor(async () => (await fx.queue.runs.getJobState(jobId)) === 'completed');
    expect(attempts).toEqual([
      { attempt: 1, resume: false, runId: jobId },
      { attempt: 2, resume: true, runId: jobId },
    ]);
    const job = await fx.queue.runs.getJob(jobId);
    expect(job?.progress).toMatchObject({ step: 'run-agent', iterations: 3, attempt: 2, resume: true });
  });

  it('does not retry a permanent failure, nor an unknown error', async () => {
    let calls = 0;
    await runWorker(async (ctx) => {
      calls += 1;
      if (ctx.data.number === 1) throw new PermanentJobError('no permission', 'You need write access.');
      throw new TypeError('a bug');
    });
    const a = await fx.queue.enqueue(runData({ number: 1 }));
    const b = await fx.queue.enqueue(runData({ number: 2 }));
    for (const { jobId } of [a, b]) {
      await waitFor(async () => (await fx.queue.runs.getJobState(jobId)) === 'failed');
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(calls).toBe(2);
    const failed = await fx.queue.runs.getJob(b.jobId);
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.failedReason).toBe('TypeError: a bug');
  });

  it('caps runs per installation across workers: a busy installation does not block another', async () => {
    const running = new Map<number, Set<number>>();
    const peak = new Map<number, number>();
    const release = new Set<number>();
    const processor: RunJobProcessor = async (ctx) => {
      const { installationId, number } = ctx.data;
      const set = running.get(installationId) ?? new Set<number>();
      running.set(installationId, set);
      set.add(number);
      peak.set(installationId, Math.max(peak.get(installationId) ?? 0, set.size));
      await waitFor(() => release.has(number), { timeoutMs: 20_000 });
      set.delete(number);
      return { outcome: 'no_changes', runId: ctx.runId };
    };
    // Two workers with room for four jobs each; the cap (1 per installation) is what limits them.
    await runWorker(processor, { concurrency: 4, perInstallationLimit: 1 });
    await runWorker(processor, { concurrency: 4, perInstallationLimit: 1 });
    for (const number of [1, 2, 3]) await fx.queue.enqueue(runData({ installationId: 100, number }));
    await fx.queue.enqueue(runData({ installationId: 200, number: 10 }));

    // The other installation runs while the busy one has jobs waiting.
    await waitFor(() => running.get(200)?.has(10), { what: 'installation 200 to run' });
    await waitFor(() => running.get(100)?.size === 1, { what: 'one job of installation 100' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(running.get(100)?.size).toBe(1);

    for (const number of [1, 2, 3, 10]) release.add(number);
    await waitFor(async () => (await fx.queue.runs.getCompletedCount()) === 4, { timeoutMs: 15_000 });
    expect(peak.get(100)).toBe(1);
    expect(peak.get(200)).toBe(1);
  });
});

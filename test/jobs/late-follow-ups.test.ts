import { Worker } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ControlChannel } from '../../jobs/control-channel.js';
import { judgeFollowUps, type RunEnd } from '../../jobs/follow-up-fate.js';
import { PermanentJobError, TransientJobError } from '../../jobs/job-errors.js';
import { runJobId } from '../../jobs/job-ids.js';
import type { RunJobContext, RunJobProcessor, RunJobResult } from '../../jobs/run-job-context.js';
import { startRunWorker } from '../../jobs/run-worker.js';
import { createQueueFixture, quietLogger, type RunData, runData, waitFor } from './support.js';

/**
 * A trigger recorded as a follow-up after the job's final report settled its follow-ups, but before
 * BullMQ marked the job done, must not be lost: it becomes a run of its own. Both orders of that race
 * on a real Redis: the worker looks after the trigger was recorded, or the trigger is recorded after
 * the worker looked.
 */

let fx: Awaited<ReturnType<typeof createQueueFixture>>;
beforeEach(async () => {
  fx = await createQueueFixture({ attempts: 2, backoffMs: 50 });
});
afterEach(async () => {
  await fx.cleanup();
});

const comment = (commentId: number, login = 'bob') =>
  runData({
    sender: { login, id: commentId },
    trigger: { kind: 'issue_command', issueNumber: 5, commentId, instructions: `request ${commentId}` },
  });

interface SeenRun {
  jobId: string;
  data: RunData;
  /** What the run's final report showed. */
  followUps: unknown[];
}

/** What the pipeline's final report does with the follow-ups: show them, then settle them. */
async function reportFollowUps(ctx: RunJobContext, end: RunEnd = 'completes') {
  const judged = judgeFollowUps(await ctx.pendingFollowUps(), ctx.data, end);
  await ctx.settleFollowUps(judged);
  return judged.map((f) => f.data);
}

/** A real run worker; `first` plays the job that holds the target, every later job just reports. */
async function runWorker(first: (ctx: RunJobContext) => Promise<RunJobResult>) {
  const seen: SeenRun[] = [];
  const processor: RunJobProcessor = async (ctx) => {
    if (seen.length === 0) {
      seen.push({ jobId: ctx.jobId, data: ctx.data, followUps: [] });
      return first(ctx);
    }
    seen.push({ jobId: ctx.jobId, data: ctx.data, followUps: await reportFollowUps(ctx) });
    return { outcome: 'no_changes', runId: ctx.runId };
  };
  const handle = await startRunWorker({
    connection: fx.redis,
    prefix: fx.prefix,
    queue: fx.queue,
    processor,
    logger: quietLogger,
  });
  fx.onCleanup(() => handle.close());
  return { seen, handle };
}

async function stateOf(jobId: string) {
  return fx.queue.runs.getJobState(jobId);
}

describe('a trigger that comes after the run reported, before its job is done', () => {
  it('is run once the job completes; a second one collapses into that run (the worker looks last)', async () => {
    const late = comment(31);
    const later = comment(32, 'carol');
    const { seen } = await runWorker(async (ctx) => {
      // The final report settles the follow-ups; then, in the moments before BullMQ marks the job
      // completed, two more triggers arrive. The job is still active: they are recorded on it.
      expect(await reportFollowUps(ctx)).toEqual([]);
      expect(await fx.queue.enqueue(late)).toEqual({ status: 'already_running', jobId: ctx.jobId });
      expect(await fx.queue.enqueue(later)).toEqual({ status: 'already_running', jobId: ctx.jobId });
      return { outcome: 'pushed', runId: ctx.runId };
    });
    const first = await fx.queue.enqueue(runData());

    await waitFor(async () => seen.length === 2 && (await stateOf(runJobId(late))) === 'completed', {
      what: 'the late trigger’s own run to complete',
    });
    expect(await stateOf(first.jobId)).toBe('completed');
    // The first late trigger is the new run, under its own job id; the other is its follow-up.
    expect(seen[1]).toEqual({ jobId: runJobId(late), data: late, followUps: [later] });
    expect(await fx.queue.runs.getJob(runJobId(later))).toBeUndefined();
    // Nothing is left behind under the finished job, and a redelivery finds the job that ran it.
    expect(await fx.queue.takeFollowUps(first.jobId)).toEqual([]);
    expect(await fx.queue.enqueue(late)).toEqual({ status: 'duplicate', jobId: runJobId(late) });
  });

  it('is run once the job has failed for good', async () => {
    const late = comment(41);
    const { seen } = await runWorker(async (ctx) => {
      await reportFollowUps(ctx, 'fails');
      await fx.queue.enqueue(late);
      throw new PermanentJobError('refused', 'Refused.');
    });
    const first = await fx.queue.enqueue(runData());

    await waitFor(async () => seen.length === 2, { what: 'the late trigger’s own run' });
    expect(await stateOf(first.jobId)).toBe('failed');
    expect(seen[1]).toMatchObject({ jobId: runJobId(late), data: late });
  });

  it('stays with a job whose failed attempt will be retried: the retry’s report covers it', async () => {
    const late = comment(51);
    const taken: unknown[][] = [];
    const attempts: number[] = [];
    const retrying = await startRunWorker({
      connection: fx.redis,
      prefix: fx.prefix,
      queue: fx.queue,
      logger: quietLogger,
      processor: async (ctx) => {
        attempts.push(ctx.attempt);
        if (ctx.attempt === 1) {
          await fx.queue.enqueue(late);
          throw new TransientJobError('GitHub answered 502');
        }
        taken.push(await reportFollowUps(ctx));
        return { outcome: 'no_changes', runId: ctx.runId };
      },
    });
    fx.onCleanup(() => retrying.close());
    const first = await fx.queue.enqueue(runData());

    await waitFor(async () => (await stateOf(first.jobId)) === 'completed', {
      what: 'the retry to complete',
    });
    await retrying.close(); // waits for the worker's look at the finished job
    expect(attempts).toEqual([1, 2]);
    expect(taken).toEqual([[late]]);
    expect(await fx.queue.runs.getJob(runJobId(late))).toBeUndefined();
  });

  it('is run when it is recorded after the worker looked at the finished job (the trigger comes last)', async () => {
    const first = await fx.queue.enqueue(runData());
    // The job is taken by a worker, as a run worker would.
    const bare = new Worker(fx.queue.runs.name, null, { connection: fx.redis, prefix: fx.prefix });
    fx.onCleanup(() => bare.close());
    const token = 'test-token';
    const active = await bare.getNextJob(token);
    expect(active?.id).toBe(first.jobId);

    // Stretch the window between BullMQ's answer ("the target is held by that job") and the record
    // of the follow-up: in it the job completes and the worker's look finds nothing to hand on.
    const add = fx.queue.runs.add.bind(fx.queue.runs);
    vi.spyOn(fx.queue.runs, 'add').mockImplementationOnce(async (...args) => {
      const held = await add(...args);
      expect(held.id).toBe(first.jobId);
      await active?.moveToCompleted({ outcome: 'pushed' }, token, false);
      expect(await fx.queue.requeueFollowUpsIfFinished(first.jobId)).toEqual([]);
      return held;
    });

    const late = comment(61);
    expect(await fx.queue.enqueue(late)).toEqual({ status: 'queued', jobId: runJobId(late) });
    expect(await stateOf(runJobId(late))).toBe('waiting');
    expect((await fx.queue.runs.getJob(runJobId(late)))?.data).toEqual(late);
    expect(await fx.queue.takeFollowUps(first.jobId)).toEqual([]);
    // The new job holds the target: the next trigger is its follow-up.
    expect(await fx.queue.enqueue(comment(62))).toEqual({ status: 'already_running', jobId: runJobId(late) });
  });
});

describe('a run stopped before it started', () => {
  it('takes the triggers that queued up behind it with it: nothing runs after the stop', async () => {
    const first = await fx.queue.enqueue(runData());
    expect((await fx.queue.enqueue(comment(71))).status).toBe('already_running');
    await new ControlChannel(fx.redis, fx.prefix).cancel(first.jobId, 'stopped by @alice');
    const { seen, handle } = await runWorker(async () => {
      throw new Error('a stopped run must not start');
    });

    await waitFor(async () => (await stateOf(first.jobId)) === 'completed', { what: 'the stopped job' });
    await handle.close(); // waits for the worker's look at the finished job
    expect(seen).toEqual([]);
    expect((await fx.queue.runs.getJob(first.jobId))?.returnvalue).toMatchObject({ outcome: 'cancelled' });
    expect(await fx.queue.runs.getJob(runJobId(comment(71)))).toBeUndefined();
  });
});

describe('PR requests settled by the report to run after the job', () => {
  const prCommand = (commentId: number, minute: number) =>
    runData({
      sender: { login: `user${commentId}`, id: commentId },
      triggeredAt: `2025-01-01T00:0${minute}:00Z`,
      trigger: { kind: 'pr_command', prNumber: 5, commentId, instructions: `request ${commentId}` },
    });
  const prRun = () => prCommand(1, 0);

  it('become one run, with the latest trigger time of them all: the others are covered by it, no third run', async () => {
    const a = prCommand(81, 1);
    const b = prCommand(82, 2);
    const { seen, handle } = await runWorker(async (ctx) => {
      await fx.queue.enqueue(a);
      await fx.queue.enqueue(b);
      expect(await reportFollowUps(ctx)).toEqual([a, b]);
      return { outcome: 'pushed', runId: ctx.runId };
    });
    const first = await fx.queue.enqueue(prRun());

    await waitFor(async () => (await stateOf(runJobId(a))) === 'completed', { what: 'the requeued run' });
    await handle.close(); // waits for the worker's look at the finished jobs
    // a is the run; it reads up to b's time, so b (its follow-up) is covered and does not run again.
    expect(seen.map((r) => r.jobId)).toEqual([first.jobId, runJobId(a)]);
    expect(seen[1]).toEqual({
      jobId: runJobId(a),
      data: { ...a, triggeredAt: b.triggeredAt },
      followUps: [b],
    });
    expect(await fx.queue.runs.getJob(runJobId(b))).toBeUndefined();
    expect(await fx.queue.takeFollowUps(runJobId(a))).toEqual([]);
  });

  it('run after a job that failed for good too: they are new requests', async () => {
    const a = prCommand(91, 1);
    const { seen } = await runWorker(async (ctx) => {
      await fx.queue.enqueue(a);
      expect(await reportFollowUps(ctx, 'fails')).toEqual([a]);
      throw new PermanentJobError('refused', 'Refused.');
    });
    const first = await fx.queue.enqueue(prRun());

    await waitFor(async () => seen.length === 2, { what: 'the requeued run' });
    expect(await stateOf(first.jobId)).toBe('failed');
    expect(seen[1]).toMatchObject({ jobId: runJobId(a), data: a });
  });
});

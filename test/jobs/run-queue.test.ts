import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidJobDataError } from '../../jobs/job-errors.js';
import { runIdForJob } from '../../jobs/job-ids.js';
import { controlData, createQueueFixture, type QueueFixture, runData } from './support.js';

let fx: QueueFixture;
beforeEach(async () => {
  fx = await createQueueFixture();
});
afterEach(async () => {
  await fx.cleanup();
});

describe('RunQueue.enqueue', () => {
  it('a redelivered webhook (same delivery id) creates no second job', async () => {
    const data = runData();
    const first = await fx.queue.enqueue(data);
    const again = await fx.queue.enqueue({ ...data });
    expect(first.status).toBe('queued');
    expect(again).toEqual({ status: 'duplicate', jobId: first.jobId });
    expect(await fx.queue.runs.getWaitingCount()).toBe(1);
  });

  it('a second trigger while a run for the target is queued starts no second run and is kept as a follow-up', async () => {
    const first = await fx.queue.enqueue(runData());
    const second = runData({
      trigger: { kind: 'issue_command', issueNumber: 5, commentId: 3, instructions: 'also docs' },
    });
    const result = await fx.queue.enqueue(second);
    expect(result).toEqual({ status: 'already_running', jobId: first.jobId });
    expect(await fx.queue.runs.getWaitingCount()).toBe(1);
    expect(await fx.queue.takeFollowUps(first.jobId)).toEqual([second]);
    expect(await fx.queue.takeFollowUps(first.jobId)).toEqual([]);
    // A redelivery of the collapsed trigger is a duplicate of the job that holds it.
    expect(await fx.queue.enqueue(second)).toEqual({ status: 'duplicate', jobId: first.jobId });
  });

  it('every delivery of one review (the review, then each of its comments) makes one job', async () => {
    const review = (deliveryId: string, commentId?: number) =>
      runData({
        deliveryId,
        trigger: { kind: 'pr_review', prNumber: 5, reviewId: 77, ...(commentId ? { commentId } : {}) },
      });
    const first = await fx.queue.enqueue(review('d-1'));
    expect(await fx.queue.enqueue(review('d-2', 1))).toEqual({ status: 'duplicate', jobId: first.jobId });
    expect(await fx.queue.enqueue(review('d-3', 2))).toEqual({ status: 'duplicate', jobId: first.jobId });
    expect(await fx.queue.runs.getWaitingCount()).toBe(1);
  });

  it('triggers on different targets are independent', async () => {
    const a = await fx.queue.enqueue(runData({ number: 1 }));
    const b = await fx.queue.enqueue(runData({ number: 2 }));
    expect([a.status, b.status]).toEqual(['queued', 'queued']);
  });

  it('a new trigger after the run ended starts a new run (the old job is kept for inspection)', async () => {
    const first = await fx.queue.enqueue(runData());
    const job = await fx.queue.runs.getJob(first.jobId);
    if (!job) throw new Error('job missing');
    // Finish it the way a worker does, holding its lock.
    const { Worker } = await import('bullmq');
    const worker = new Worker(fx.queue.runs.name, null, { connection: fx.redis, prefix: fx.prefix });
    const token = 'test-token';
    const active = await worker.getNextJob(token);
    expect(active?.id).toBe(first.jobId);
    await active?.moveToCompleted({ outcome: 'no_changes' }, token, false);
    await worker.close();
    expect(await fx.queue.runs.getJobState(first.jobId)).toBe('completed');

    const next = await fx.queue.enqueue(runData());
    expect(next.status).toBe('queued');
    expect(next.jobId).not.toBe(first.jobId);
    expect(runIdForJob(next.jobId)).not.toBe(runIdForJob(first.jobId));
  });

  it('control commands go to their own queue and never collapse into a run', async () => {
    await fx.queue.enqueue(runData());
    const stop = await fx.queue.enqueue(controlData({ kind: 'stop' }));
    expect(stop.status).toBe('queued');
    expect(stop.jobId).toMatch(/^control-/);
    expect(await fx.queue.controls.getWaitingCount()).toBe(1);
    expect(await fx.queue.runs.getWaitingCount()).toBe(1);
  });

  it('refuses data that breaks the contract, before anything is stored', async () => {
    const bad = { ...runData(), installationId: -1 };
    await expect(fx.queue.enqueue(bad)).rejects.toBeInstanceOf(InvalidJobDataError);
    expect(await fx.queue.runs.getWaitingCount()).toBe(0);
    // Not remembered as delivered: a corrected redelivery is accepted.
    expect((await fx.queue.enqueue({ ...bad, installationId: 1 })).status).toBe('queued');
  });
});

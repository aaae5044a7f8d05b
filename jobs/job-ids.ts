import { type JobData, triggerKey } from './job-data.js';

/**
 * Every id the queue derives, in one place. Ids are built from the job data alone, so two processes
 * (the web server that enqueues, the worker that picks a job up after another one died) agree on them
 * without talking to each other.
 */

export const RUN_QUEUE_NAME = 'handsbot-runs';
export const CONTROL_QUEUE_NAME = 'handsbot-control';

type Target = Pick<JobData, 'repository' | 'number'>;

/**
 * One job per trigger (see `triggerKey`: a redelivery, or every delivery of one review, is the same
 * trigger), so duplicates map to the same id; every new trigger gets a new one, so a job kept after it
 * finished (for inspection) never blocks the next run on its target. No `:` (BullMQ refuses it), never
 * an integer, and a valid run id (a path segment and a key part).
 */
export function runJobId(data: JobData): string {
  return `run-${data.repository.id}-${data.number}-${triggerKey(data)}`;
}

export function controlJobId(data: JobData): string {
  return `control-${data.repository.id}-${data.number}-${triggerKey(data)}`;
}

/**
 * BullMQ's deduplication id for runs on one issue or PR: while a run job for the target is waiting,
 * delayed (retry backoff) or active, adding another returns the existing job instead.
 */
export function runDeduplicationId(data: Target): string {
  return `target-${data.repository.id}-${data.number}`;
}

/**
 * The agent run's id (its event log's name) for a run job. Deterministic in the job id, so a second
 * worker that picks up a stalled or retried job opens the same log and resumes it.
 */
export function runIdForJob(jobId: string): string {
  if (!jobId.startsWith('run-')) throw new TypeError(`not a run job id: ${jobId}`);
  return jobId;
}

import type { JobData } from '../../../jobs/job-data.js';

/**
 * Where the web side puts the work it recognised. The BullMQ queue in `jobs/run-queue.ts` fits this
 * shape; the web process depends on nothing else of the queue, so it can be started with any
 * implementation (tests use a small one on a real Redis).
 *
 * What an implementation must guarantee, because the web side relies on it:
 * - `enqueue` resolves only once the job is durably stored: the webhook is answered 200 after it, and a
 *   rejection makes the delivery fail (500) so GitHub's redelivery can bring it back.
 * - Deliveries of one trigger (`triggerKey` in jobs/job-data.ts: a redelivery, every delivery of one
 *   review) never make a second job; the second call resolves with the existing job's id.
 */
export interface RunQueue {
  enqueue(data: JobData): Promise<EnqueueResult>;
}

export interface EnqueueResult {
  /**
   * `queued`: a new job. `duplicate`: this trigger was already queued (a redelivery). `already_running`:
   * another trigger holds the target; the job that holds it hears of this one.
   */
  readonly status: 'queued' | 'duplicate' | 'already_running';
  /** The job that carries the trigger: the new one, or the one that was already there. */
  readonly jobId: string;
}

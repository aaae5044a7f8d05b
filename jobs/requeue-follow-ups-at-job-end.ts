import type { Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { RunQueue } from './run-queue.js';

export interface RequeueFollowUpsAtJobEndOptions {
  worker: Worker;
  queue: Pick<RunQueue, 'requeueFollowUpsIfFinished'>;
  logger: Logger;
}

export interface FollowUpHandOff {
  /** Resolves when every hand-off already started has ended (for a clean close). */
  settled(): Promise<void>;
}

/**
 * The worker's side of the job-end hand-off: when a job completes or fails, the queue takes the
 * follow-ups its report settled to run after it (new work on a PR) and those that arrived after its
 * report (before BullMQ marked it done, they would otherwise never be seen), and queues them as one
 * new run. On a failed attempt that will be retried it does nothing (the job is not done, and its
 * retry's report judges them). The other side, a trigger recorded after this look, is `RunQueue.add`'s.
 */
export function requeueFollowUpsAtJobEnd(options: RequeueFollowUpsAtJobEndOptions): FollowUpHandOff {
  const inFlight = new Set<Promise<void>>();
  const handOff = (jobId: string | undefined) => {
    if (!jobId) return;
    const done = options.queue.requeueFollowUpsIfFinished(jobId).then(
      (requeued) => {
        if (requeued.length === 0) return;
        options.logger.info(
          { jobId, requeued: requeued.map((r) => ({ status: r.result.status, jobId: r.result.jobId })) },
          'follow-ups of a finished run were queued as a new run',
        );
      },
      (error: unknown) => {
        // Left in Redis under the finished job: nothing takes them now, so this must be seen.
        options.logger.error({ err: error, jobId }, 'could not queue the follow-ups of a finished run');
      },
    );
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
  };
  options.worker.on('completed', (job) => handOff(job.id));
  options.worker.on('failed', (job) => handOff(job?.id));
  return {
    async settled() {
      await Promise.all([...inFlight]);
    },
  };
}

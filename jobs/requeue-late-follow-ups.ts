import type { Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { RunQueue } from './run-queue.js';

export interface RequeueLateFollowUpsOptions {
  worker: Worker;
  queue: Pick<RunQueue, 'requeueFollowUpsIfFinished'>;
  logger: Logger;
}

export interface LateFollowUps {
  /** Resolves when every hand-off already started has ended (for a clean close). */
  settled(): Promise<void>;
}

/**
 * The worker's side of late follow-ups: a trigger recorded after a job's final report took its
 * follow-ups, but before BullMQ marked the job done, would otherwise never be seen. When a job
 * completes or fails, the queue takes what is left and queues it as a new run; on a failed attempt
 * that will be retried it does nothing (the job is not done, and its retry's report takes them). The
 * other side, a trigger recorded after this look, is `RunQueue.add`'s.
 */
export function requeueLateFollowUps(options: RequeueLateFollowUpsOptions): LateFollowUps {
  const inFlight = new Set<Promise<void>>();
  const handOff = (jobId: string | undefined) => {
    if (!jobId) return;
    const done = options.queue.requeueFollowUpsIfFinished(jobId).then(
      (requeued) => {
        if (requeued.length === 0) return;
        options.logger.info(
          { jobId, requeued: requeued.map((r) => ({ status: r.result.status, jobId: r.result.jobId })) },
          'triggers that came after the run reported were queued as a new run',
        );
      },
      (error: unknown) => {
        // Left in Redis under the finished job: nothing takes them now, so this must be seen.
        options.logger.error(
          { err: error, jobId },
          'could not queue the triggers that came after the run reported',
        );
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

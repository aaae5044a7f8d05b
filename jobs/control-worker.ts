import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ControlChannel } from './control-channel.js';
import { jobDataSchema } from './job-data.js';
import { TransientJobError } from './job-errors.js';
import { CONTROL_QUEUE_NAME } from './job-ids.js';
import { type ControlOutcome, type ControlPorts, processControlJob } from './process-control-job.js';
import type { RunQueue } from './run-queue.js';

export interface ControlWorkerOptions {
  connection: Redis;
  /** The queue the control worker looks runs up in (and removes stopped waiting runs from). */
  queue: RunQueue;
  ports: ControlPorts;
  logger: Logger;
  /** Control jobs are short; a few at once keep a burst of commands from queueing. */
  concurrency?: number;
}

/**
 * Works the control queue. Separate from the run worker, with its own concurrency, so `/agent stop`
 * is handled at once even when every run slot is busy.
 */
export async function startControlWorker(options: ControlWorkerOptions): Promise<Worker> {
  const channel = new ControlChannel(options.connection, options.queue.prefix);
  const worker = new Worker<unknown, ControlOutcome>(
    CONTROL_QUEUE_NAME,
    async (job) => {
      const parsed = jobDataSchema.safeParse(job.data);
      if (!parsed.success || parsed.data.type !== 'control') {
        throw new UnrecoverableError(`job ${job.id ?? ''} does not carry control data`);
      }
      const data = parsed.data;
      const logger = options.logger.child({
        jobId: job.id,
        repository: `${data.repository.owner}/${data.repository.name}`,
        number: data.number,
      });
      try {
        return await processControlJob(data, { queue: options.queue, channel, ports: options.ports }, logger);
      } catch (error) {
        if (error instanceof TransientJobError) throw error;
        logger.error({ err: error }, 'control job failed');
        throw new UnrecoverableError(error instanceof Error ? error.name : 'control job failed');
      }
    },
    {
      connection: options.connection,
      prefix: options.queue.prefix,
      concurrency: options.concurrency ?? 4,
      autorun: false,
    },
  );
  worker.on('error', (error) => options.logger.error({ err: error }, 'control worker error'));
  void worker.run().catch((error: unknown) => options.logger.error({ err: error }, 'control worker stopped'));
  await worker.waitUntilReady();
  return worker;
}

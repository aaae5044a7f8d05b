import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { JobsConfig } from '../src/config/load-config.js';
import { createRedactor } from '../src/security/redactor.js';
import { connectRedis } from './connect-redis.js';
import { startControlWorker } from './control-worker.js';
import type { ControlPorts } from './process-control-job.js';
import type { RunJobProcessor } from './run-job-context.js';
import { RunQueue } from './run-queue.js';
import { type RunWorkerHandle, startRunWorker } from './run-worker.js';

export interface WorkerProcessOptions {
  config: { jobs: JobsConfig; secrets: readonly string[] };
  logger: Logger;
  /** The run pipeline with its adapters wired (`createRunJobProcessor`). */
  processor: RunJobProcessor;
  controlPorts: ControlPorts;
  /** Test-only overrides of BullMQ timings (a stall test cannot wait for production's). */
  stalledIntervalMs?: number;
  installationRetryDelayMs?: number;
}

export interface WorkerProcess {
  readonly redis: Redis;
  readonly queue: RunQueue;
  readonly runWorker: RunWorkerHandle;
  readonly controlWorker: Worker;
  /** Drains the run worker (runs pause at a step boundary and go back to the queue), then closes all. */
  close(): Promise<void>;
}

/**
 * What `handsbot worker` runs: connects to REDIS_URL (failing fast, naming the variable), then starts
 * the run worker and the control worker on one connection. Signal handling is the caller's
 * (`runUntilSignalled`), so `handsbot start` can close web and worker together.
 */
export async function startWorkerProcess(options: WorkerProcessOptions): Promise<WorkerProcess> {
  const { jobs } = options.config;
  const redis = await connectRedis(jobs.redisUrl);
  const queue = new RunQueue({
    connection: redis,
    prefix: jobs.queuePrefix,
    attempts: jobs.attempts,
    backoffMs: jobs.backoffMs,
  });
  const runWorker = await startRunWorker({
    connection: redis,
    prefix: jobs.queuePrefix,
    queue,
    processor: options.processor,
    concurrency: jobs.concurrency,
    perInstallationLimit: jobs.perInstallationLimit,
    logger: options.logger.child({ component: 'run-worker' }),
    lockDurationMs: jobs.lockDurationMs,
    redact: createRedactor({ secrets: [...options.config.secrets] }),
    ...(options.stalledIntervalMs ? { stalledIntervalMs: options.stalledIntervalMs } : {}),
    ...(options.installationRetryDelayMs
      ? { installationRetryDelayMs: options.installationRetryDelayMs }
      : {}),
  });
  const controlWorker = await startControlWorker({
    connection: redis,
    queue,
    ports: options.controlPorts,
    logger: options.logger.child({ component: 'control-worker' }),
  });
  options.logger.info(
    { concurrency: jobs.concurrency, perInstallationLimit: jobs.perInstallationLimit },
    'worker started',
  );
  return {
    redis,
    queue,
    runWorker,
    controlWorker,
    async close() {
      try {
        await Promise.all([runWorker.close(), controlWorker.close()]);
        await queue.close();
      } finally {
        redis.disconnect();
      }
    },
  };
}

export interface RunUntilSignalledOptions {
  close: () => Promise<void>;
  logger: Logger;
  /** After this long the process exits even if a run has not reached a step boundary. */
  graceMs: number;
  /** Where the signals come from and how to leave (injected by tests of this function). */
  process?: Pick<NodeJS.Process, 'once' | 'exit'>;
}

/**
 * On SIGTERM or SIGINT: close (runs finish their current step, checkpoint in their log and go back to
 * the queue), then exit 0. A run that does not reach a step boundary within the grace period is left
 * to BullMQ's stalled-job check: another worker resumes it from its log once its lock expires.
 */
export function runUntilSignalled(options: RunUntilSignalledOptions): void {
  const proc = options.process ?? process;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    options.logger.info({ signal }, 'shutting down: letting runs reach a step boundary');
    const timer = setTimeout(() => {
      options.logger.warn({ graceMs: options.graceMs }, 'grace period over; exiting with runs still active');
      proc.exit(1);
    }, options.graceMs);
    timer.unref();
    options.close().then(
      () => {
        options.logger.info('shut down cleanly');
        proc.exit(0);
      },
      (error: unknown) => {
        options.logger.error({ err: error }, 'error while shutting down');
        proc.exit(1);
      },
    );
  };
  proc.once('SIGTERM', () => stop('SIGTERM'));
  proc.once('SIGINT', () => stop('SIGINT'));
}

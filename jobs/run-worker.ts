import { DelayedError, type Job, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Decision } from '../src/agent/conversation.js';
import { createRedactor } from '../src/security/redactor.js';
import { ControlChannel } from './control-channel.js';
import { FollowUps } from './follow-ups.js';
import { InstallationSlots } from './installation-slots.js';
import { jobDataSchema } from './job-data.js';
import { JobCancelledError, JobDrainingError, TransientJobError } from './job-errors.js';
import { RUN_QUEUE_NAME, runIdForJob } from './job-ids.js';
import { requeueFollowUpsAtJobEnd } from './requeue-follow-ups-at-job-end.js';
import type { RunJobContext, RunJobProcessor, RunJobProgress, RunJobResult } from './run-job-context.js';
import { DEFAULT_QUEUE_PREFIX, type RunQueue } from './run-queue.js';

export interface RunWorkerOptions {
  /** A connection from `connectRedis` (shared; closing the worker does not close it). */
  connection: Redis;
  prefix?: string;
  /** The queue on the same prefix: a finished job's follow-ups that still have to run go back into it. */
  queue: Pick<RunQueue, 'requeueFollowUpsIfFinished'>;
  processor: RunJobProcessor;
  /** Jobs this worker runs at once. */
  concurrency?: number;
  /** Runs of one installation at once across all workers. */
  perInstallationLimit?: number;
  logger: Logger;
  /**
   * How long a job's lock lives without renewal (BullMQ renews it at half this while the worker's
   * event loop turns). Agent steps await I/O, so the loop stays free; a minute tolerates GC pauses.
   */
  lockDurationMs?: number;
  /** How often this worker looks for jobs whose worker died. */
  stalledIntervalMs?: number;
  /** Stalls before a job fails for good; runs resume from their log, so more than BullMQ's 1. */
  maxStalledCount?: number;
  /** How long a job waits before trying again when its installation is at its limit. */
  installationRetryDelayMs?: number;
  /** Masks secrets in failure reasons stored in Redis. */
  redact?: (text: string) => string;
}

export interface RunWorkerHandle {
  readonly worker: Worker;
  /**
   * Tells running processors to drain (pause at their next step boundary), waits for them, and
   * closes the worker. Jobs that paused go back to the queue for another worker.
   */
  close(): Promise<void>;
}

/** Starts a worker for run jobs: per-installation cap, cancellation, drain, retries of transient failures. */
export async function startRunWorker(options: RunWorkerOptions): Promise<RunWorkerHandle> {
  const prefix = options.prefix ?? DEFAULT_QUEUE_PREFIX;
  const lockDuration = options.lockDurationMs ?? 60_000;
  const slots = new InstallationSlots(options.connection, prefix, {
    limit: options.perInstallationLimit ?? 2,
    // A dead worker's slot frees itself about when its job's lock expires and the job is picked up.
    leaseMs: lockDuration,
  });
  const channel = new ControlChannel(options.connection, prefix);
  const followUps = new FollowUps(options.connection, prefix);
  const redact = options.redact ?? createRedactor({ secrets: [] });
  const retryDelay = options.installationRetryDelayMs ?? 15_000;
  const drainController = new AbortController();
  const decisionWaiters = new Map<string, Set<() => void>>();

  const processJob = async (job: Job, token: string | undefined, signal: AbortSignal | undefined) => {
    const jobId = job.id ?? '';
    const parsed = jobDataSchema.safeParse(job.data);
    if (!parsed.success || parsed.data.type !== 'run') {
      throw new UnrecoverableError(`job ${jobId} does not carry run data`);
    }
    if (drainController.signal.aborted) {
      // BullMQ can still hand a closing worker a job its blocked fetch woke up for (even the one a
      // draining processor just put back): hand it straight back, untouched.
      await job.moveToWait(token);
      throw new WaitingError();
    }
    const data = parsed.data;
    const runId = runIdForJob(jobId);
    const logger = options.logger.child({
      jobId,
      runId,
      repository: `${data.repository.owner}/${data.repository.name}`,
      installationId: data.installationId,
    });
    if (!(await slots.acquire(data.installationId, jobId))) {
      // The installation is at its cap: back to the delayed set (not an attempt), with jitter so a
      // burst of one organisation's jobs does not wake up in lockstep.
      const delay = Math.round(retryDelay * (0.75 + Math.random() * 0.5));
      logger.debug({ delay }, 'installation at its run limit; job delayed');
      await job.moveToDelayed(Date.now() + delay, token);
      throw new DelayedError();
    }
    const renewal = setInterval(
      () => {
        slots.renew(data.installationId, jobId).catch((error: unknown) => {
          logger.warn({ err: error }, 'could not renew the installation slot');
        });
      },
      Math.max(500, Math.floor(lockDuration / 3)),
    );
    const cancel = signal ?? new AbortController().signal;
    try {
      const cancelled = await channel.cancelReason(jobId);
      if (cancelled !== null) {
        // Triggers that queued up behind this run are stopped with it, as they are when the stop
        // removes a job still waiting; only those that come after this job ends make a new run.
        const dropped = await followUps.take(jobId);
        logger.info({ reason: cancelled, droppedFollowUps: dropped.length }, 'run stopped before it started');
        return { outcome: 'cancelled', runId, message: cancelled } satisfies RunJobResult;
      }
      const resume = isProgress(job.progress);
      const attempt = job.attemptsMade + 1;
      const report = async (progress: Omit<RunJobProgress, 'attempt' | 'resume' | 'at'>) => {
        const full: RunJobProgress = { ...progress, attempt, resume, at: new Date().toISOString() };
        await job.updateProgress({ ...full });
      };
      await report({ step: 'started' });
      const context: RunJobContext = {
        jobId,
        runId,
        data,
        attempt,
        maxAttempts: job.opts.attempts ?? 1,
        resume,
        stalled: job.stalledCounter > 0,
        signal: cancel,
        drain: drainController.signal,
        logger,
        reportProgress: report,
        waitForDecision: (until) => waitForDecision(jobId, until),
        pendingFollowUps: () => followUps.peek(jobId),
        takeNextFollowUp: () => followUps.takeNext(jobId),
        settleFollowUps: (judged) => followUps.settle(jobId, judged),
      };
      logger.info({ attempt, resume, stalled: context.stalled }, 'run job started');
      return await options.processor(context);
    } catch (error) {
      if (cancel.aborted || error instanceof JobCancelledError) {
        const reason = error instanceof JobCancelledError ? error.reason : String(cancel.reason ?? 'stopped');
        logger.info({ reason }, 'run stopped');
        return { outcome: 'cancelled', runId, message: reason } satisfies RunJobResult;
      }
      if (error instanceof JobDrainingError) {
        // Back to waiting with its progress (so the next worker resumes), not counted as an attempt.
        logger.info({ step: error.step }, 'run paused for shutdown; job put back in the queue');
        await job.moveToWait(token);
        throw new WaitingError();
      }
      if (error instanceof TransientJobError) {
        logger.warn({ err: error }, 'transient failure; BullMQ retries with backoff if attempts remain');
        throw new TransientJobError(redact(error.message));
      }
      if (error instanceof DelayedError || error instanceof UnrecoverableError) throw error;
      // Everything else is permanent: retrying a bug or a refusal only repeats it.
      logger.error({ err: error }, 'run job failed');
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new UnrecoverableError(redact(message));
    } finally {
      clearInterval(renewal);
      await slots.release(data.installationId, jobId).catch((error: unknown) => {
        logger.warn({ err: error }, 'could not release the installation slot (its lease will expire)');
      });
    }
  };

  const worker = new Worker(RUN_QUEUE_NAME, processJob, {
    connection: options.connection,
    prefix,
    concurrency: options.concurrency ?? 2,
    lockDuration,
    // Checked as often as a lock lasts (BullMQ's defaults are equal too), so a dead worker's job is
    // picked up about HANDSBOT_JOB_LOCK_MS after it died, as that setting promises.
    stalledInterval: options.stalledIntervalMs ?? lockDuration,
    maxStalledCount: options.maxStalledCount ?? 2,
    autorun: false,
  });
  worker.on('error', (error) => options.logger.error({ err: error }, 'run worker error'));
  worker.on('stalled', (jobId) => options.logger.warn({ jobId }, 'job stalled; it will be picked up again'));
  const followUpHandOff = requeueFollowUpsAtJobEnd({ worker, queue: options.queue, logger: options.logger });

  const unsubscribe = await channel.subscribe((message) => {
    if (message.type === 'cancel') {
      if (worker.cancelJob(message.jobId, message.reason)) {
        options.logger.info({ jobId: message.jobId }, 'stop delivered to the running job');
      }
    } else {
      for (const wake of decisionWaiters.get(message.jobId) ?? []) wake();
    }
  });

  /** Takes the next answer from the mailbox; between looks, sleeps until a signal or a 2 s poll. */
  async function waitForDecision(jobId: string, until: AbortSignal): Promise<Decision> {
    for (;;) {
      until.throwIfAborted();
      const decision = await channel.takeDecision(jobId);
      if (decision !== null) return decision;
      await new Promise<void>((resolve) => {
        const waiters = decisionWaiters.get(jobId) ?? new Set<() => void>();
        decisionWaiters.set(jobId, waiters);
        const done = () => {
          clearTimeout(timer);
          until.removeEventListener('abort', done);
          waiters.delete(done);
          if (waiters.size === 0) decisionWaiters.delete(jobId);
          resolve();
        };
        const timer = setTimeout(done, 2_000);
        until.addEventListener('abort', done, { once: true });
        waiters.add(done);
      });
    }
  }

  void worker.run().catch((error: unknown) => options.logger.error({ err: error }, 'run worker stopped'));
  await worker.waitUntilReady();

  return {
    worker,
    async close() {
      drainController.abort(new Error('worker shutting down'));
      try {
        await worker.close();
        // The jobs that ended during the close may still be handing their follow-ups on.
        await followUpHandOff.settled();
      } finally {
        await unsubscribe();
      }
    },
  };
}

function isProgress(progress: unknown): boolean {
  return typeof progress === 'object' && progress !== null && 'step' in progress;
}

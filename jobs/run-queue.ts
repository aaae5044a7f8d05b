import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { FollowUps } from './follow-ups.js';
import { type JobData, jobDataSchema } from './job-data.js';
import { InvalidJobDataError } from './job-errors.js';
import { CONTROL_QUEUE_NAME, controlJobId, RUN_QUEUE_NAME, runDeduplicationId, runJobId } from './job-ids.js';

export type EnqueueStatus = 'queued' | 'duplicate' | 'already_running';

export interface EnqueueResult {
  status: EnqueueStatus;
  /** The job that carries this trigger: the new one, or the one already queued or running. */
  jobId: string;
}

export interface RunQueueOptions {
  /** A connection from `connectRedis` (shared; the queue does not close it). */
  connection: Redis;
  /** Key prefix for everything the queue stores, so several installs (or tests) can share a Redis. */
  prefix?: string;
  /** Attempts per run job, the first included; only transient failures use the others. */
  attempts?: number;
  /** First retry delay; doubles on each further attempt. */
  backoffMs?: number;
}

export const DEFAULT_QUEUE_PREFIX = 'handsbot';
/** A redelivery is recognised for this long (GitHub lets people redeliver for days). */
const TRIGGER_TTL_S = 7 * 24 * 60 * 60;
const DAY_S = 24 * 60 * 60;

/**
 * The one way work enters the queue. Run triggers go to `handsbot-runs`, control commands to
 * `handsbot-control`, so a stop or an approval is never stuck behind long runs.
 *
 * Duplicates collapse at two levels: a trigger is remembered (`triggerKey`: a redelivered webhook,
 * or another delivery of the same review, finds its first job); and BullMQ's deduplication on the target (one issue or PR) returns the job already
 * waiting, delayed or active instead of adding a second. That second trigger is kept as a follow-up
 * for the running job to acknowledge. Job ids are per delivery, so a finished job kept for inspection
 * never blocks the next trigger on its target.
 */
export class RunQueue {
  readonly runs: Queue;
  readonly controls: Queue;
  readonly prefix: string;
  private readonly redis: Redis;
  private readonly followUps: FollowUps;

  constructor(options: RunQueueOptions) {
    this.redis = options.connection;
    this.prefix = options.prefix ?? DEFAULT_QUEUE_PREFIX;
    this.followUps = new FollowUps(this.redis, this.prefix);
    const common = { connection: options.connection, prefix: this.prefix };
    this.runs = new Queue(RUN_QUEUE_NAME, {
      ...common,
      defaultJobOptions: {
        attempts: options.attempts ?? 3,
        backoff: { type: 'exponential', delay: options.backoffMs ?? 30_000 },
        removeOnComplete: { age: 7 * DAY_S, count: 1_000 },
        removeOnFail: { age: 30 * DAY_S, count: 5_000 },
      },
    });
    this.controls = new Queue(CONTROL_QUEUE_NAME, {
      ...common,
      defaultJobOptions: {
        attempts: 3,
        backoff: { type: 'exponential', delay: 2_000 },
        removeOnComplete: { age: DAY_S, count: 1_000 },
        removeOnFail: { age: 7 * DAY_S, count: 1_000 },
      },
    });
  }

  /** Validates `input` against the job contract and queues it, collapsing duplicates. */
  async enqueue(input: JobData): Promise<EnqueueResult> {
    const parsed = jobDataSchema.safeParse(input);
    if (!parsed.success) {
      throw new InvalidJobDataError(
        '(not queued)',
        parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
      );
    }
    const data = parsed.data;
    // Remembered apart from the job, which may already be removed when a redelivery comes.
    const seenKey = `${this.prefix}:handsbot-triggers:${this.jobIdFor(data)}`;
    const fresh = await this.redis.set(seenKey, '', 'EX', TRIGGER_TTL_S, 'NX');
    if (fresh === null) {
      const seen = await this.redis.get(seenKey);
      return { status: 'duplicate', jobId: seen || this.jobIdFor(data) };
    }
    try {
      const result = await this.add(data);
      await this.redis.set(seenKey, result.jobId, 'EX', TRIGGER_TTL_S);
      return result;
    } catch (error) {
      // Not queued: let GitHub's redelivery (or a retry of this call) try again.
      await this.redis.del(seenKey);
      throw error;
    }
  }

  /** Triggers that arrived while `jobId` was queued or running, oldest first; each is returned once. */
  async takeFollowUps(jobId: string): Promise<JobData[]> {
    return this.followUps.take(jobId);
  }

  /** The run job currently holding `target` (waiting, delayed or active), if any. */
  async activeRunJobId(target: Pick<JobData, 'repository' | 'number'>): Promise<string | null> {
    return this.runs.getDeduplicationJobId(runDeduplicationId(target));
  }

  /** Closes the BullMQ queues (not the shared connection). */
  async close(): Promise<void> {
    await Promise.all([this.runs.close(), this.controls.close()]);
  }

  private jobIdFor(data: JobData): string {
    return data.type === 'run' ? runJobId(data) : controlJobId(data);
  }

  private async add(data: JobData): Promise<EnqueueResult> {
    const jobId = this.jobIdFor(data);
    if (data.type === 'control') {
      await this.controls.add(data.command.kind, data, { jobId });
      return { status: 'queued', jobId };
    }
    const job = await this.runs.add(data.trigger.kind, data, {
      jobId,
      // No ttl: the target stays taken until the job completes or finally fails (or is removed).
      deduplication: { id: runDeduplicationId(data) },
    });
    if (job.id === jobId) return { status: 'queued', jobId };
    const existing = job.id ?? jobId;
    await this.followUps.record(existing, data);
    return { status: 'already_running', jobId: existing };
  }
}

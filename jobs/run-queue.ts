import { type JobState, Queue } from 'bullmq';
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

/** A follow-up queued again after the job holding it finished for good, and what became of it. */
export interface RequeuedFollowUp {
  data: JobData;
  result: EnqueueResult;
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
 * or another delivery of the same review, finds its first job); and BullMQ's deduplication on the
 * target (one issue or PR) returns the job already waiting, delayed or active instead of adding a
 * second. That second trigger is kept as a follow-up for the running job to acknowledge and judge
 * (`followUpFate`). Job ids are per delivery, so a finished job kept for inspection never blocks the
 * next trigger on its target.
 *
 * Once the job is done for good, its follow-ups that carry new work (settled by its report to run
 * after it), and any that arrived after its report (which nobody judged), are queued again as one new
 * run (`requeueFollowUpsIfFinished`), by whichever side comes last: the worker when the job finishes,
 * or `add` right after recording one on a job that has meanwhile finished. Taking follow-ups is
 * atomic, so only one side queues each.
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
    const seenKey = this.seenKey(data);
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

  /**
   * Everything still recorded for `jobId` (to run after it, or pending), each returned once: a stop
   * drops them with it.
   */
  async takeFollowUps(jobId: string): Promise<JobData[]> {
    return this.followUps.take(jobId);
  }

  /**
   * Once `jobId` is done for good (completed, failed with no attempt left, or removed), takes the
   * follow-ups still recorded for it and queues them as one new run: those its report settled to run
   * after it, and those that came after its report (new requests nobody has judged). The first becomes
   * the run, with the latest trigger time of them all, so its task reads every one of them (content is
   * read up to the trigger time); the others collapse into it through the usual deduplication, as its
   * follow-ups, and being no later than its trigger time they are covered by it (`followUpFate`) instead
   * of running once more. A job that is queued, running, or waiting to retry keeps its follow-ups (its
   * own report judges them) and nothing happens.
   */
  async requeueFollowUpsIfFinished(jobId: string): Promise<RequeuedFollowUp[]> {
    if (!isDoneForGood(await this.runs.getJobState(jobId))) return [];
    const followUps = await this.followUps.take(jobId);
    const [first] = followUps;
    if (!first) return [];
    await this.releaseStaleTarget(first, jobId);
    const requeued: RequeuedFollowUp[] = [];
    for (const [index, followUp] of followUps.entries()) {
      const data = index === 0 ? { ...followUp, triggeredAt: latestTriggerTime(followUps) } : followUp;
      const result = await this.add(data);
      // A redelivery of the trigger now finds the job that carries it.
      await this.redis.set(this.seenKey(data), result.jobId, 'EX', TRIGGER_TTL_S);
      requeued.push({ data, result });
    }
    return requeued;
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

  private seenKey(data: JobData): string {
    return `${this.prefix}:handsbot-triggers:${this.jobIdFor(data)}`;
  }

  /**
   * BullMQ deletes a job's deduplication key when the job finishes, so this is only a guard: a key
   * still naming the finished job would collapse its requeued follow-ups back into it, where they
   * would be recorded, found finished, and requeued again without end. Deleted only if it still names
   * that job, so a newer holder of the target keeps its key.
   */
  private async releaseStaleTarget(target: JobData, finishedJobId: string): Promise<void> {
    const key = `${this.runs.keys.de}:${runDeduplicationId(target)}`;
    await this.redis.eval(DELETE_IF_EQUAL, 1, key, finishedJobId);
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
    // BullMQ named the holder while it was live, but it may have finished since, its worker's look at
    // its follow-ups already done: then nobody else will see this one, and it is queued here.
    const requeued = await this.requeueFollowUpsIfFinished(existing);
    const mine = requeued.find((r) => this.jobIdFor(r.data) === jobId);
    return mine ? mine.result : { status: 'already_running', jobId: existing };
  }
}

/** The latest `triggeredAt` of `followUps`, as written (one that does not parse never wins). */
function latestTriggerTime(followUps: readonly JobData[]): string {
  let latest = followUps[0]?.triggeredAt ?? '';
  for (const f of followUps) {
    if (Date.parse(f.triggeredAt) > Date.parse(latest) || Number.isNaN(Date.parse(latest))) {
      latest = f.triggeredAt;
    }
  }
  return latest;
}

/** A job in one of these states never runs again, so nothing of its own will take its follow-ups. */
function isDoneForGood(state: JobState | 'unknown'): boolean {
  // `failed` is final: a failed attempt with attempts left waits in `delayed` (or `waiting`).
  // `unknown`: the job was removed (a stop before it started, or kept-job trimming).
  return state === 'completed' || state === 'failed' || state === 'unknown';
}

const DELETE_IF_EQUAL = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

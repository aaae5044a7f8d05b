import type { Redis } from 'ioredis';
import type { JudgedFollowUp } from './follow-up-fate.js';
import { type JobData, jobDataSchema } from './job-data.js';

const TTL_S = 7 * 24 * 60 * 60;

/**
 * Triggers that arrived while a run for their target was already queued or running. They start no
 * run of their own. Each job keeps two lists:
 * - pending: recorded as they arrive; the running job shows them (`peek`) and, in its final report,
 *   judges them (`followUpFate`) and settles those it showed (`settle`);
 * - run after: the settled ones that carry new work, waiting for the job to end.
 * When the job is done for good, the queue takes both (`take`) and queues them as a new run: the run
 * after ones, then any pending one that came after the report (never shown, so never judged).
 */
export class FollowUps {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private pendingKey(jobId: string): string {
    return `${this.prefix}:handsbot-follow-ups:${jobId}`;
  }

  private runAfterKey(jobId: string): string {
    return `${this.prefix}:handsbot-follow-ups-run-after:${jobId}`;
  }

  async record(jobId: string, data: JobData): Promise<void> {
    const key = this.pendingKey(jobId);
    await this.redis.multi().rpush(key, JSON.stringify(data)).expire(key, TTL_S).exec();
  }

  /**
   * The pending follow-ups of `jobId` so far, oldest first, left in place: the running job shows them
   * as they arrive, and its final report shows them again before it settles them.
   */
  async peek(jobId: string): Promise<JobData[]> {
    return parseAll(await this.redis.lrange(this.pendingKey(jobId), 0, -1));
  }

  /**
   * The oldest pending follow-up, taken: a skipped job runs it in its own place, and the others stay
   * pending for that run to judge.
   */
  async takeNext(jobId: string): Promise<JobData | null> {
    const raw = await this.redis.lpop(this.pendingKey(jobId));
    return parseAll(raw === null ? [] : [raw])[0] ?? null;
  }

  /**
   * After the final report showed `judged` (the first pending follow-ups, in order): they leave the
   * pending list, and those that run after the job wait for its end. One transaction, so a crash
   * leaves them either pending (a resumed attempt judges them again; a job that ends without one
   * runs them all, rather than lose any) or settled, never both or neither.
   * Only appends happen meanwhile, so the first `judged.length` are the ones shown.
   */
  async settle(jobId: string, judged: readonly JudgedFollowUp[]): Promise<void> {
    if (judged.length === 0) return;
    const runAfter = judged.filter((f) => f.fate === 'runs_after').map((f) => JSON.stringify(f.data));
    const tx = this.redis.multi().ltrim(this.pendingKey(jobId), judged.length, -1);
    if (runAfter.length > 0) {
      const key = this.runAfterKey(jobId);
      tx.rpush(key, ...runAfter).expire(key, TTL_S);
    }
    await tx.exec();
  }

  /**
   * Everything still recorded for `jobId`, each returned once (read and delete in one step): those
   * settled to run after it, then those still pending, oldest first.
   */
  async take(jobId: string): Promise<JobData[]> {
    const runAfter = this.runAfterKey(jobId);
    const pending = this.pendingKey(jobId);
    const replies = await this.redis
      .multi()
      .lrange(runAfter, 0, -1)
      .lrange(pending, 0, -1)
      .del(runAfter, pending)
      .exec();
    return [...parseAll(replies?.[0]?.[1]), ...parseAll(replies?.[1]?.[1])];
  }
}

/** Stored entries that no longer parse (written by another version) are dropped, not fatal. */
function parseAll(items: unknown): JobData[] {
  if (!Array.isArray(items)) return [];
  return items.flatMap((raw: unknown) => {
    if (typeof raw !== 'string') return [];
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      return [];
    }
    const parsed = jobDataSchema.safeParse(value);
    return parsed.success ? [parsed.data] : [];
  });
}

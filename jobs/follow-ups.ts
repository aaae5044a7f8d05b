import type { Redis } from 'ioredis';
import { type JobData, jobDataSchema } from './job-data.js';

const TTL_S = 7 * 24 * 60 * 60;

/**
 * Triggers that arrived while a run for their target was already queued or running. They start no
 * run of their own; the running job takes them and acknowledges them in its tracking comment.
 */
export class FollowUps {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(jobId: string): string {
    return `${this.prefix}:handsbot-follow-ups:${jobId}`;
  }

  async record(jobId: string, data: JobData): Promise<void> {
    const key = this.key(jobId);
    await this.redis.multi().rpush(key, JSON.stringify(data)).expire(key, TTL_S).exec();
  }

  /** The follow-ups of `jobId`, oldest first; each is returned once (read and delete in one step). */
  async take(jobId: string): Promise<JobData[]> {
    const key = this.key(jobId);
    const replies = await this.redis.multi().lrange(key, 0, -1).del(key).exec();
    return parseAll(replies?.[0]?.[1]);
  }

  /**
   * The follow-ups of `jobId` so far, oldest first, left in place: the running job shows them as they
   * arrive, and its final report (or a skipped job's stand-in) still takes them.
   */
  async peek(jobId: string): Promise<JobData[]> {
    return parseAll(await this.redis.lrange(this.key(jobId), 0, -1));
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

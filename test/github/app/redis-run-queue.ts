import type { Redis } from 'ioredis';
import { type JobData, jobDataSchema, triggerKey } from '../../../jobs/job-data.js';
import type { EnqueueResult, RunQueue } from '../../../src/github/app/run-queue.js';

/**
 * The smallest real queue behind the web side's interface: one Redis key per job (SET NX, so a
 * trigger seen twice stays one job) and a list in arrival order. The BullMQ queue of `jobs/` keeps
 * the same promise with more machinery; these tests are about what the web side hands over.
 */
export class RedisRunQueue implements RunQueue {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async enqueue(data: JobData): Promise<EnqueueResult> {
    const jobId = `${data.type}-${data.repository.id}-${data.number}-${triggerKey(data)}`;
    const created = await this.redis.set(`${this.prefix}:job:${jobId}`, JSON.stringify(data), 'NX');
    if (created === null) return { status: 'duplicate', jobId };
    await this.redis.rpush(`${this.prefix}:jobs`, jobId);
    return { status: 'queued', jobId };
  }

  /** Every job, in the order it was queued, read back from Redis and checked against the contract. */
  async jobs(): Promise<Array<{ id: string; data: JobData }>> {
    const ids = await this.redis.lrange(`${this.prefix}:jobs`, 0, -1);
    const jobs: Array<{ id: string; data: JobData }> = [];
    for (const id of ids) {
      const text = await this.redis.get(`${this.prefix}:job:${id}`);
      if (text === null) throw new Error(`job ${id} is listed but not stored`);
      jobs.push({ id, data: jobDataSchema.parse(JSON.parse(text)) });
    }
    return jobs;
  }
}

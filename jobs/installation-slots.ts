import type { Redis } from 'ioredis';

/**
 * A counting semaphore per installation, shared by every worker through Redis, so one busy
 * organisation cannot take every worker slot. BullMQ's open-source edition has no group limits; this
 * is the piece it lacks.
 *
 * A slot is a member of a sorted set scored by its lease's expiry (Redis' own clock, so workers with
 * skewed clocks agree). Holders renew the lease while they work; a worker killed hard stops renewing
 * and its slot frees itself when the lease runs out: no counter is ever left stuck. Acquiring is
 * re-entrant per job id, so a job picked up again after a stall gets its own slot back.
 */
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + lease, ARGV[1])
  redis.call('PEXPIRE', KEYS[1], lease * 2)
  return 1
end
return 0
`;

const RENEW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[2])
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + lease, ARGV[1])
redis.call('PEXPIRE', KEYS[1], lease * 2)
return 1
`;

export interface InstallationSlotsOptions {
  /** Runs of one installation at a time, across all workers. */
  limit: number;
  /** How long a slot outlives its holder's last renewal. */
  leaseMs: number;
}

export class InstallationSlots {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly options: InstallationSlotsOptions,
  ) {}

  private key(installationId: number): string {
    return `${this.prefix}:handsbot-installation-slots:${installationId}`;
  }

  /** Takes a slot for `jobId`; false when the installation is at its limit. */
  async acquire(installationId: number, jobId: string): Promise<boolean> {
    const result = await this.redis.eval(
      ACQUIRE,
      1,
      this.key(installationId),
      jobId,
      this.options.limit,
      this.options.leaseMs,
    );
    return result === 1;
  }

  /** Extends the lease; false when the slot had already expired (the holder was too slow to renew). */
  async renew(installationId: number, jobId: string): Promise<boolean> {
    const result = await this.redis.eval(RENEW, 1, this.key(installationId), jobId, this.options.leaseMs);
    return result === 1;
  }

  async release(installationId: number, jobId: string): Promise<void> {
    await this.redis.zrem(this.key(installationId), jobId);
  }

  /** Job ids holding a live slot (for tests and operators). */
  async holders(installationId: number): Promise<string[]> {
    return this.redis.zrange(this.key(installationId), 0, -1);
  }
}

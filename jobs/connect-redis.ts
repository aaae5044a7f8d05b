import { Redis } from 'ioredis';
import { RedisUnavailableError } from './job-errors.js';

export interface ConnectRedisOptions {
  /** How long start-up waits for Redis before it gives up with an error naming REDIS_URL. */
  connectTimeoutMs?: number;
}

/**
 * Connects to Redis for the queue, once, at start-up. Unreachable → `RedisUnavailableError` within
 * the timeout instead of ioredis' default of retrying forever in silence. Once connected, a dropped
 * connection is retried with a capped backoff (a Redis restart should not kill a worker mid-run), and
 * `maxRetriesPerRequest: null` is what BullMQ's blocking worker connections require.
 */
export async function connectRedis(url: string, options: ConnectRedisOptions = {}): Promise<Redis> {
  let connected = false;
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: options.connectTimeoutMs ?? 3_000,
    maxRetriesPerRequest: null,
    retryStrategy: (times) => (connected ? Math.min(times * 250, 5_000) : null),
  });
  let lastError: unknown;
  const remember = (error: unknown): void => {
    lastError = error;
  };
  redis.on('error', remember);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    // connect() only says "Connection is closed"; the error event carries the reason (ECONNREFUSED…).
    const cause = lastError ?? error;
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new RedisUnavailableError(withoutPassword(url), reason, { cause });
  }
  connected = true;
  redis.off('error', remember);
  return redis;
}

/** The URL as it may appear in an error message: a password in it is replaced. */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

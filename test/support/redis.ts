import { Redis } from 'ioredis';

/**
 * Tests that need Redis get a real one at REDIS_URL. An unreachable Redis fails the test, in CI and
 * locally alike: a skipped store test looks green while testing nothing.
 */
export const START_REDIS_COMMAND = "redis-server --daemonize yes --port 6379 --save '' --appendonly no";

export async function connectTestRedis(env: NodeJS.ProcessEnv = process.env): Promise<Redis> {
  const url = env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2_000,
    maxRetriesPerRequest: 1,
    // Fail fast instead of reconnecting forever when nothing listens.
    retryStrategy: () => null,
  });
  // The failure reaches us through connect(); without a listener ioredis also prints it as unhandled.
  let lastError: unknown;
  const quiet = (error: unknown): void => {
    lastError = error;
  };
  redis.on('error', quiet);
  try {
    await redis.connect();
    await redis.ping();
    redis.off('error', quiet);
  } catch (error) {
    redis.disconnect();
    // connect() only says "Connection is closed"; the error event carries the reason (ECONNREFUSED...).
    const cause = lastError ?? error;
    const reason = (cause instanceof Error ? cause.message : String(cause)).replace(/\.$/, '');
    const hint =
      env.CI === 'true'
        ? 'CI must provide Redis for these tests (start it in .ci/run before the tests).'
        : `Start one with: ${START_REDIS_COMMAND} (or set REDIS_URL).`;
    throw new Error(`Redis is not reachable at ${url}: ${reason}. ${hint}`, { cause });
  }
  return redis;
}

/** Deletes every key under `prefix:` (SCAN, never KEYS, so a shared Redis is not blocked). */
export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}

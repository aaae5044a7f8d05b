import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRedisEventStore, type EventStore, SequenceConflictError } from '../../src/events/index.js';
import { connectTestRedis, deleteKeysWithPrefix, START_REDIS_COMMAND } from '../support/redis.js';
import { makeEvents } from './make-events.js';

describe('redis event store', () => {
  let redis: Redis;
  let other: Redis | undefined;
  let prefix: string;
  let store: EventStore;

  beforeAll(async () => {
    redis = await connectTestRedis();
    other = await connectTestRedis();
  });
  afterAll(async () => {
    // Either may be missing when Redis was unreachable: that failure is the one to show.
    await Promise.all([redis?.quit(), other?.quit()]);
  });
  beforeEach(() => {
    prefix = `test-${randomUUID()}`;
    store = createRedisEventStore({ redis, prefix });
  });
  afterEach(async () => {
    await store.close();
    await deleteKeysWithPrefix(redis, prefix);
  });

  it('keeps each run in a stream whose entry ids are the seqs, beside a snapshot and a run set', async () => {
    await store.append('run-1', makeEvents('run-1', 1, 2));
    await store.saveSnapshot('run-1', { seq: 2, state: { ok: true } });
    const entries = await redis.xrange(`${prefix}:run:run-1:events`, '-', '+');
    expect(entries.map(([id]) => id)).toEqual(['1-0', '2-0']);
    expect(entries[0]?.[1]).toEqual(['event', JSON.stringify(makeEvents('run-1', 1)[0])]);
    expect(await redis.smembers(`${prefix}:runs`)).toEqual(['run-1']);
    expect(JSON.parse((await redis.get(`${prefix}:run:run-1:snapshot`)) ?? '')).toEqual({
      seq: 2,
      state: { ok: true },
    });
  });

  it('lets exactly one of two writers on different connections append the same seq', async () => {
    if (other === undefined) throw new Error('second Redis connection missing');
    const rival = createRedisEventStore({ redis: other, prefix });
    await store.append('run-1', makeEvents('run-1', 1));
    const results = await Promise.allSettled([
      store.append('run-1', makeEvents('run-1', 2, 4)),
      rival.append('run-1', makeEvents('run-1', 2, 3)),
    ]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((result) => result.status === 'rejected');
    expect(refused?.reason).toBeInstanceOf(SequenceConflictError);
    const seqs = (await store.read('run-1')).map((event) => event.seq);
    expect(seqs[0]).toBe(1);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, index) => index + 1));
    await rival.close();
  });

  it('refuses a batch that does not follow an entry another client added directly', async () => {
    await store.append('run-1', makeEvents('run-1', 1));
    await redis.xadd(`${prefix}:run:run-1:events`, '5-0', 'event', JSON.stringify(makeEvents('run-1', 5)[0]));
    await expect(store.append('run-1', makeEvents('run-1', 2))).rejects.toMatchObject({
      name: 'SequenceConflictError',
      expectedSeq: 6,
      gotSeq: 2,
    });
    expect(await store.lastSeq('run-1')).toBe(5);
  });

  it('still appends after Redis has forgotten the script', async () => {
    await store.append('run-1', makeEvents('run-1', 1));
    await redis.script('FLUSH');
    await store.append('run-1', makeEvents('run-1', 2));
    expect(await store.lastSeq('run-1')).toBe(2);
  });

  it('reads a long run in pages', async () => {
    for (let from = 1; from <= 1_200; from += 100)
      await store.append('run-1', makeEvents('run-1', from, from + 99));
    const all = await store.read('run-1');
    expect(all).toHaveLength(1_200);
    expect(all.every((event, index) => event.seq === index + 1)).toBe(true);
    expect((await store.read('run-1', 1_000)).map((event) => event.seq)[0]).toBe(1_001);
  });

  it('leaves a client it was given open on close, and closes one it made from a URL', async () => {
    await store.close();
    expect(await redis.ping()).toBe('PONG');
    const owned = createRedisEventStore({ redis: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix });
    await owned.append('run-1', makeEvents('run-1', 1));
    await owned.close();
    expect(await store.lastSeq('run-1')).toBe(1);
  });
});

describe('test redis helper', () => {
  it('fails, naming the command that starts Redis, when Redis is unreachable', async () => {
    await expect(connectTestRedis({ REDIS_URL: 'redis://127.0.0.1:1' })).rejects.toThrow(START_REDIS_COMMAND);
  });

  it('fails in CI too, saying CI must provide Redis', async () => {
    await expect(connectTestRedis({ REDIS_URL: 'redis://127.0.0.1:1', CI: 'true' })).rejects.toThrow(
      /CI must provide Redis/,
    );
  });
});

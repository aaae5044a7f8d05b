import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { assertValidRunId, checkBatch } from './check-batch.js';
import type { RunEvent } from './event.js';
import { decodeEvent, decodeSnapshot, encodeEvent, encodeSnapshot } from './event-codec.js';
import { type EventStore, RunNotFoundError, type RunSnapshot, SequenceConflictError } from './event-store.js';
import { CorruptEventError, EventStoreClosedError } from './event-store-errors.js';

export interface RedisEventStoreOptions {
  /** A connected ioredis client (the caller keeps owning it) or a URL (the store owns and closes it). */
  redis: Redis | string;
  /** Namespace of every key, e.g. `handsbot`; tests use a fresh one each. */
  prefix: string;
}

/**
 * Keys: `<prefix>:run:<runId>:events` (a stream, entry id `<seq>-0`, one `event` field of JSON),
 * `<prefix>:run:<runId>:snapshot` (a string) and `<prefix>:runs` (a set of run ids).
 *
 * Appends run as one Lua script: it checks that the batch starts right after the stream's last entry
 * and adds every event with its explicit id, so a batch lands whole or not at all and a stale writer
 * is refused. The ids make Redis itself refuse a duplicate or out-of-order entry as well (a refused
 * first XADD is reported as a conflict; later ones cannot be refused once the first id was accepted,
 * short of Redis failing mid-script, e.g. out of memory, which Lua cannot roll back). Not for
 * Redis Cluster as is: the script touches the stream and the run set, which hash to different slots.
 */
const APPEND_SCRIPT = `
local first = tonumber(ARGV[2])
local top = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local last = 0
if #top > 0 then last = tonumber(string.match(top[1][1], '^(%d+)-')) end
if first ~= last + 1 then return {0, last} end
for i = 3, #ARGV do
  local reply = redis.pcall('XADD', KEYS[1], string.format('%d-0', first + i - 3), 'event', ARGV[i])
  if type(reply) == 'table' and reply.err then
    if i == 3 then return {0, last} end
    return reply
  end
end
redis.call('SADD', KEYS[2], ARGV[1])
return {1, first + #ARGV - 3}
`;
const APPEND_SHA = createHash('sha1').update(APPEND_SCRIPT).digest('hex');

// Entries fetched per XRANGE call, so replaying a long run never builds one huge reply.
const READ_PAGE = 500;

export function createRedisEventStore(options: RedisEventStoreOptions): EventStore {
  if (!/^[^\s]+$/.test(options.prefix))
    throw new TypeError('prefix must be a non-empty string without spaces');
  const { prefix } = options;
  const ownsClient = typeof options.redis === 'string';
  const redis = typeof options.redis === 'string' ? new Redis(options.redis) : options.redis;
  const runsKey = `${prefix}:runs`;
  const eventsKey = (runId: string): string => `${prefix}:run:${runId}:events`;
  const snapshotKey = (runId: string): string => `${prefix}:run:${runId}:snapshot`;
  let closed = false;

  async function runAppendScript(runId: string, firstSeq: number, payloads: string[]): Promise<unknown> {
    const args = [eventsKey(runId), runsKey, runId, String(firstSeq), ...payloads];
    try {
      return await redis.evalsha(APPEND_SHA, 2, ...args);
    } catch (error) {
      // NOSCRIPT is Redis's reply code for a script cache that lost (or never had) the script.
      if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
      return await redis.eval(APPEND_SCRIPT, 2, ...args);
    }
  }

  return {
    async append(runId: string, events: readonly RunEvent[]): Promise<void> {
      assertValidRunId(runId);
      if (closed) throw new EventStoreClosedError();
      const first = events[0];
      if (first === undefined) return;
      checkBatch(runId, events, undefined);
      const reply = await runAppendScript(runId, first.seq, events.map(encodeEvent));
      if (!Array.isArray(reply) || typeof reply[0] !== 'number' || typeof reply[1] !== 'number') {
        throw new Error(`run ${runId}: unexpected reply from the append script: ${JSON.stringify(reply)}`);
      }
      if (reply[0] === 0) throw new SequenceConflictError(runId, reply[1] + 1, first.seq);
    },

    async read(runId: string, afterSeq = 0): Promise<RunEvent[]> {
      assertValidRunId(runId);
      const key = eventsKey(runId);
      const events: RunEvent[] = [];
      let start = `(${Math.max(0, Math.floor(afterSeq))}-0`;
      for (;;) {
        const entries = await redis.xrange(key, start, '+', 'COUNT', READ_PAGE);
        for (const [id, fields] of entries) events.push(decodeEntry(runId, id, fields));
        const lastEntry = entries.at(-1);
        if (lastEntry === undefined || entries.length < READ_PAGE) break;
        start = `(${lastEntry[0]}`;
      }
      if (events.length === 0 && (await redis.exists(key)) === 0) throw new RunNotFoundError(runId);
      return events;
    },

    async lastSeq(runId: string): Promise<number> {
      assertValidRunId(runId);
      const [top] = await redis.xrevrange(eventsKey(runId), '+', '-', 'COUNT', 1);
      return top === undefined ? 0 : seqOfId(runId, top[0]);
    },

    async listRuns(): Promise<string[]> {
      return (await redis.smembers(runsKey)).sort();
    },

    async saveSnapshot(runId: string, snapshot: RunSnapshot): Promise<void> {
      assertValidRunId(runId);
      if (closed) throw new EventStoreClosedError();
      await redis.set(snapshotKey(runId), encodeSnapshot(snapshot));
    },

    async loadSnapshot(runId: string): Promise<RunSnapshot | undefined> {
      assertValidRunId(runId);
      const text = await redis.get(snapshotKey(runId));
      return text === null ? undefined : decodeSnapshot(runId, text);
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      if (ownsClient) await redis.quit();
    },
  };
}

function decodeEntry(runId: string, id: string, fields: string[]): RunEvent {
  const seq = seqOfId(runId, id);
  const at = fields.indexOf('event');
  const text = at % 2 === 0 ? fields[at + 1] : undefined;
  if (text === undefined) {
    throw new CorruptEventError(runId, seq, { cause: undefined, detail: 'the entry has no "event" field' });
  }
  return decodeEvent(runId, seq, text);
}

function seqOfId(runId: string, id: string): number {
  const match = /^(\d+)-0$/.exec(id);
  const seq = match?.[1] === undefined ? Number.NaN : Number(match[1]);
  if (!Number.isSafeInteger(seq)) {
    throw new CorruptEventError(runId, 0, {
      cause: undefined,
      detail: `stream entry id ${id} is not <seq>-0`,
    });
  }
  return seq;
}

import { randomUUID } from 'node:crypto';
import { appendFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, describe } from 'vitest';
import {
  createFileEventStore,
  createInMemoryEventStore,
  createRedisEventStore,
} from '../../src/events/index.js';
import { connectTestRedis, deleteKeysWithPrefix } from '../support/redis.js';
import { eventStoreContract, type StoreHarness } from './event-store-contract.js';

let redis: Redis | undefined;

const harnesses: StoreHarness[] = [
  {
    name: 'in-memory',
    async create() {
      const records = new Map<string, string[]>();
      return {
        store: createInMemoryEventStore({ records }),
        async writeRawRecord(runId, _seq, raw) {
          records.get(runId)?.push(raw);
        },
        async dispose() {},
      };
    },
  },
  {
    name: 'file',
    async create() {
      const dir = await mkdtemp(join(tmpdir(), 'handsbot-events-'));
      const store = createFileEventStore({ dir });
      return {
        store,
        async writeRawRecord(runId, _seq, raw) {
          await mkdir(join(dir, runId), { recursive: true });
          await appendFile(join(dir, runId, 'events.jsonl'), `${raw}\n`);
        },
        async dispose() {
          await store.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'redis',
    async create() {
      redis ??= await connectTestRedis();
      const client = redis;
      const prefix = `test-${randomUUID()}`;
      const store = createRedisEventStore({ redis: client, prefix });
      return {
        store,
        async writeRawRecord(runId, seq, raw) {
          await client.xadd(`${prefix}:run:${runId}:events`, `${seq}-0`, 'event', raw);
        },
        async dispose() {
          await store.close();
          await deleteKeysWithPrefix(client, prefix);
        },
      };
    },
  },
];

describe.each(harnesses)('$name event store', (harness) => {
  eventStoreContract(harness);
});

afterAll(async () => {
  await redis?.quit();
});

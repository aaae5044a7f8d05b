import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveRunState } from '../../src/agent/run-state.js';
import { createFileEventStore, createRedisEventStore, type EventStore } from '../../src/events/index.js';
import { createBuggyRepo } from '../support/fixture-repo.js';
import { connectTestRedis, deleteKeysWithPrefix } from '../support/redis.js';
import { startScriptedLlmServer } from '../support/scripted-llm/index.js';
import { startScriptedConversation } from './scripted-agent.js';

let redis: Redis;
const prefix = `test-${randomUUID()}`;
beforeAll(async () => {
  redis = await connectTestRedis();
});
afterAll(async () => {
  await deleteKeysWithPrefix(redis, prefix);
  redis.disconnect();
});

const stores: Record<string, () => Promise<EventStore>> = {
  'file (fsync)': async () =>
    createFileEventStore({ dir: await mkdtemp(path.join(tmpdir(), 'handsbot-events-')) }),
  redis: async () => createRedisEventStore({ redis, prefix }),
};

describe.each(Object.keys(stores))('the agent on the %s event store', (name) => {
  it('runs to the end and leaves a log another reader derives the same state from', async () => {
    const repo = await createBuggyRepo();
    const server = await startScriptedLlmServer([
      { toolCalls: [{ name: 'terminal', arguments: { command: 'node test.js' } }] },
      { toolCalls: [{ name: 'finish', arguments: { message: 'looked' } }] },
    ]);
    const store = await (stores[name] ?? (() => Promise.reject(new Error(name))))();
    const runId = `run-${randomUUID()}`;
    const { conversation, workspace } = await startScriptedConversation({
      provider: 'openai',
      server,
      repo,
      store,
      runId,
    });
    try {
      const state = await conversation.run();
      expect(state.status).toBe('finished');
      const stored = await store.read(runId);
      expect(stored.map((e) => e.kind)).toEqual(conversation.events().map((e) => e.kind));
      expect(deriveRunState(runId, stored)).toEqual(state);
      expect((await store.loadSnapshot(runId))?.state).toMatchObject({ status: 'finished' });
    } finally {
      await workspace.close();
      await store.close();
      await server.close();
    }
  });
});

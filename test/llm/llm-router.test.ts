import { afterEach, expect, test } from 'vitest';
import { LlmError } from '../../src/llm/llm-error.js';
import { createLlmClientFromProfile, createLlmRouter, type FallbackInfo } from '../../src/llm/llm-router.js';
import { type ScriptedLlmServer, startScriptedLlmServer } from '../support/scripted-llm/index.js';
import { agentRequest, profileFor, recordingDeps } from './support.js';

const servers: ScriptedLlmServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const REQUEST = agentRequest([{ role: 'user', content: 'hello' }]);

async function twoProfiles(primary: Parameters<typeof startScriptedLlmServer>[0], primaryKey?: string) {
  const first = await startScriptedLlmServer(primary, primaryKey === undefined ? {} : { apiKey: primaryKey });
  const second = await startScriptedLlmServer([{ text: 'answered by the backup' }]);
  servers.push(first, second);
  const deps = recordingDeps();
  const fallbacks: FallbackInfo[] = [];
  const router = createLlmRouter({
    profiles: {
      main: createLlmClientFromProfile(profileFor(first, 'openai', { name: 'main', maxRetries: 2 }), deps),
      backup: createLlmClientFromProfile(profileFor(second, 'anthropic', { name: 'backup' }), deps),
    },
    routes: { agent: ['main', 'backup'], condenser: ['backup'], security: ['main'] },
    onFallback: (f) => fallbacks.push(f),
  });
  return { first, second, router, fallbacks, deps };
}

test('falls back to the next profile when the first keeps returning 500 after its retries', async () => {
  const { first, second, router, fallbacks, deps } = await twoProfiles(() => ({
    fault: 'http',
    status: 500,
  }));

  const response = await router.client('agent').complete(REQUEST);

  expect(response.content).toBe('answered by the backup');
  expect(response.metrics.profile).toBe('backup');
  expect(response.metrics.model).toBe('claude-sonnet-4-20250514');
  expect(first.requests).toHaveLength(3); // one try and two retries
  expect(deps.waits).toHaveLength(2);
  expect(second.requests).toHaveLength(1);
  expect(fallbacks).toEqual([{ purpose: 'agent', from: 'main', to: 'backup', error: expect.any(LlmError) }]);
  expect(fallbacks[0]?.error.kind).toBe('server');
});

test('does not fall back on a rejected key: the 401 surfaces at once', async () => {
  const { first, second, router, fallbacks } = await twoProfiles([{ text: 'never' }], 'another-key');

  const err = await router
    .client('agent')
    .complete(REQUEST)
    .catch((e: unknown) => e);

  expect(err).toBeInstanceOf(LlmError);
  expect(err).toMatchObject({ kind: 'authentication', profile: 'main' });
  expect(first.requests).toHaveLength(1);
  expect(second.requests).toHaveLength(0);
  expect(fallbacks).toEqual([]);
});

test('the first profile answers when it can, and the metrics say so', async () => {
  const { second, router } = await twoProfiles([{ text: 'from main' }]);

  const response = await router.client('agent').complete(REQUEST);

  expect(response.metrics.profile).toBe('main');
  expect(second.requests).toHaveLength(0);
});

test('each purpose has its own route', async () => {
  const { first, second, router } = await twoProfiles([{ text: 'from main' }]);

  const response = await router.client('condenser').complete({ ...REQUEST, purpose: 'condenser' });

  expect(response.metrics).toMatchObject({ profile: 'backup', purpose: 'condenser' });
  expect(first.requests).toHaveLength(0);
  expect(second.requests).toHaveLength(1);
});

test('the last profile failure surfaces when every profile fails', async () => {
  const first = await startScriptedLlmServer(() => ({ fault: 'drop' }));
  const second = await startScriptedLlmServer(() => ({ fault: 'http', status: 503 }));
  servers.push(first, second);
  const deps = recordingDeps();
  const router = createLlmRouter({
    profiles: {
      a: createLlmClientFromProfile(profileFor(first, 'openai', { name: 'a', maxRetries: 0 }), deps),
      b: createLlmClientFromProfile(profileFor(second, 'openai', { name: 'b', maxRetries: 1 }), deps),
    },
    routes: { agent: ['a', 'b'], condenser: ['a'], security: ['a'] },
  });

  const err = await router
    .client('agent')
    .complete(REQUEST)
    .catch((e: unknown) => e);

  expect(err).toMatchObject({ kind: 'server', profile: 'b', status: 503 });
  expect(first.requests).toHaveLength(1);
  expect(second.requests).toHaveLength(2);
});

test('a route naming an unknown profile is refused when the router is built', () => {
  expect(() =>
    createLlmRouter({
      profiles: {},
      routes: { agent: ['ghost'], condenser: ['ghost'], security: ['ghost'] },
    }),
  ).toThrow(/unknown profile "ghost"/);
  expect(() =>
    createLlmRouter({
      profiles: {},
      routes: { agent: ['constructor'], condenser: ['constructor'], security: ['constructor'] },
    }),
  ).toThrow(/unknown profile "constructor"/);
});

import { afterEach, describe, expect, it } from 'vitest';
import { createInMemoryEventStore } from '../../src/events/index.js';
import { createBuggyRepo } from '../support/fixture-repo.js';
import { type ScriptedLlmServer, startScriptedLlmServer } from '../support/scripted-llm/index.js';
import { startScriptedConversation } from './scripted-agent.js';

const servers: ScriptedLlmServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(...args: Parameters<typeof startScriptedLlmServer>) {
  const server = await startScriptedLlmServer(...args);
  servers.push(server);
  return server;
}

/** An agent that keeps working and never finishes: each step lists a different path. */
const endless = (request: { index: number }) => ({
  toolCalls: [{ name: 'terminal', arguments: { command: `echo step ${request.index}` } }],
  usage: { inputTokens: 10_000, outputTokens: 1_000 },
});

async function run(
  server: ScriptedLlmServer,
  options: Partial<Parameters<typeof startScriptedConversation>[0]> = {},
) {
  const repo = await createBuggyRepo();
  const { conversation, workspace } = await startScriptedConversation({
    provider: 'openai',
    server,
    repo,
    store: createInMemoryEventStore(),
    ...options,
  });
  try {
    return { state: await conversation.run(), events: conversation.events() };
  } finally {
    await workspace.close();
  }
}

describe('limits', () => {
  it('ends the run at the iteration limit without calling the LLM again', async () => {
    const server = await serve(endless);
    const { state } = await run(server, { settings: { maxIterations: 3 } });
    expect(state.status).toBe('error');
    expect(state.error).toEqual({
      code: 'MaxIterationsReached',
      detail: 'reached the limit of 3 iterations',
    });
    expect(server.requests).toHaveLength(3);
  });

  it('ends the run when the dollar budget is spent (gpt-4o prices)', async () => {
    const server = await serve(endless);
    // Each call: 10k prompt + 1k completion tokens of gpt-4o = $0.035.
    const { state } = await run(server, { settings: { maxCostUsd: 0.1 } });
    expect(state.error?.code).toBe('MaxBudgetReached');
    expect(state.iterations).toBe(3);
    expect(state.metrics.costUsd).toBeCloseTo(0.105, 5);
  });

  it('ends the run when its active time is used up', async () => {
    const server = await serve(endless);
    // The test clock moves one second per reading.
    const { state } = await run(server, { settings: { wallClockLimitMs: 10_000 } });
    expect(state.error?.code).toBe('WallClockLimitReached');
    expect(state.iterations).toBeGreaterThan(0);
    expect(state.iterations).toBeLessThan(10);
  });
});

describe('LLM failures', () => {
  it('retries a 429 and a 500, honouring the scripted answers, and finishes', async () => {
    const server = await serve([
      { fault: 'http', status: 429, retryAfter: 1 },
      { fault: 'http', status: 500 },
      { toolCalls: [{ name: 'finish', arguments: { message: 'done' } }] },
    ]);
    const { state } = await run(server);
    expect(state.status).toBe('finished');
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry a bad key, and ends the run saying why', async () => {
    const server = await serve([{ fault: 'http', status: 401, message: 'Incorrect API key provided' }]);
    const { state } = await run(server, { provider: 'anthropic' });
    expect(state.status).toBe('error');
    expect(state.error?.code).toBe('LlmError');
    expect(state.error?.detail).toMatch(/^default: .*(authentication|401|API key)/i);
    expect(server.requests).toHaveLength(1);
  });

  it('falls back to the next profile when the first keeps failing after its retries', async () => {
    const broken = await serve(() => ({ fault: 'http', status: 503 }));
    const healthy = await serve([
      { toolCalls: [{ name: 'finish', arguments: { message: 'answered by backup' } }] },
    ]);
    const { state, events } = await run(broken, {
      env: {
        HANDSBOT_LLM_PROFILES: JSON.stringify([
          {
            name: 'primary',
            provider: 'openai',
            model: 'gpt-4o',
            apiKeyEnv: 'KEY',
            baseUrl: broken.openaiBaseUrl,
          },
          {
            name: 'backup',
            provider: 'anthropic',
            model: 'claude-sonnet-4',
            apiKeyEnv: 'KEY',
            baseUrl: healthy.url,
          },
        ]),
        KEY: 'sk-test-key-0123456789',
      },
    });
    expect(state.finishMessage).toBe('answered by backup');
    expect(broken.requests).toHaveLength(3); // the first try and LLM_MAX_RETRIES=2
    const action = events.find((e) => e.kind === 'action');
    expect(action?.kind === 'action' && action.llm?.profile).toBe('backup');
  });
});

describe('the condenser in a long run', () => {
  it('keeps the prompt bounded: old events are summarised, the task and the recent tail stay', async () => {
    const server = await serve((request) => {
      const tools = request.openai?.tools ?? [];
      if (tools.length === 0) return { text: `summary #${request.index}` };
      return endless(request);
    });
    const { state, events } = await run(server, {
      settings: { maxIterations: 40 },
      env: { HANDSBOT_CONDENSER_MAX_EVENTS: '12', HANDSBOT_CONDENSER_KEEP_FIRST: '2' },
    });
    expect(state.error?.code).toBe('MaxIterationsReached');
    const condensations = events.filter((e) => e.kind === 'condensation');
    expect(condensations.length).toBeGreaterThan(5);
    const agentRequests = server.requests.filter((r) => (r.openai?.tools ?? []).length > 0);
    const sizes = agentRequests.map((r) => r.openai?.messages.length ?? 0);
    // Without condensing, the last prompt would hold ~80 messages; with it, never more than the limit + one step.
    expect(Math.max(...sizes)).toBeLessThanOrEqual(12 + 3);
    const last = agentRequests.at(-1)?.openai?.messages ?? [];
    expect(last[1]).toMatchObject({ role: 'user', content: 'Fix the failing test.' });
    expect(JSON.stringify(last[2])).toMatch(/Summary of the earlier part.*summary #/);
    expect(state.metrics.llmCalls).toBe(40 + condensations.length);
  });
});

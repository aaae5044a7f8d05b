import { afterEach, describe, expect, test } from 'vitest';
import { createOpenAiClient } from '../../src/llm/openai-client.js';
import { type ScriptedLlmServer, startScriptedLlmServer } from '../support/scripted-llm/index.js';
import { AFTER_PARALLEL_CALLS, agentRequest, profileFor, recordingDeps } from './support.js';

let server: ScriptedLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const PARALLEL_REPLY = {
  text: 'Running both.',
  toolCalls: [
    { name: 'terminal', arguments: { command: 'npm test -- --reporter=verbose' } },
    { name: 'file_editor', arguments: { command: 'view', path: '/repo/src/index.ts' } },
  ],
  usage: { inputTokens: 1_000, cacheReadTokens: 4_000, outputTokens: 200 },
  chunks: 5,
};

describe.each([false, true])('OpenAI client (stream=%s)', (stream) => {
  test('returns text with its usage and cost', async () => {
    server = await startScriptedLlmServer([
      { text: 'All done.', usage: { inputTokens: 1_200, outputTokens: 300 } },
    ]);
    const client = createOpenAiClient(profileFor(server, 'openai', { stream }), recordingDeps());

    const response = await client.complete(agentRequest([{ role: 'user', content: 'hi' }]));

    expect(response).toMatchObject({
      id: 'chatcmpl-1',
      content: 'All done.',
      toolCalls: [],
      finishReason: 'stop',
    });
    expect(response.metrics).toMatchObject({
      responseId: 'chatcmpl-1',
      profile: 'openai-main',
      model: 'gpt-4o',
      purpose: 'agent',
      promptTokens: 1_200,
      completionTokens: 300,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
    });
    // gpt-4o: $2.50 in, $10 out per million tokens.
    expect(response.metrics.costUsd).toBeCloseTo((1_200 * 2.5 + 300 * 10) / 1e6, 12);
  });

  test('returns parallel tool calls whose arguments arrived in pieces, cached tokens priced apart', async () => {
    server = await startScriptedLlmServer([PARALLEL_REPLY]);
    const client = createOpenAiClient(profileFor(server, 'openai', { stream }), recordingDeps());

    const response = await client.complete(agentRequest([{ role: 'user', content: 'go' }]));

    expect(response.finishReason).toBe('tool_calls');
    expect(response.content).toBe('Running both.');
    expect(response.toolCalls).toEqual([
      { id: 'call_1', name: 'terminal', arguments: '{"command":"npm test -- --reporter=verbose"}' },
      { id: 'call_2', name: 'file_editor', arguments: '{"command":"view","path":"/repo/src/index.ts"}' },
    ]);
    expect(response.metrics).toMatchObject({
      promptTokens: 5_000,
      cacheReadTokens: 4_000,
      completionTokens: 200,
    });
    expect(response.metrics.costUsd).toBeCloseTo((1_000 * 2.5 + 4_000 * 1.25 + 200 * 10) / 1e6, 12);
  });

  test('sends assistant tool calls and tool results with their tool_call_id', async () => {
    server = await startScriptedLlmServer([{ text: 'ok' }]);
    const client = createOpenAiClient(profileFor(server, 'openai', { stream }), recordingDeps());

    await client.complete({ ...agentRequest(AFTER_PARALLEL_CALLS), maxOutputTokens: 512, temperature: 0 });

    const sent = server.requests[0]?.openai;
    expect(server.requests[0]?.apiKey).toBe('sk-test-key');
    expect(sent?.messages).toEqual([
      { role: 'system', content: 'You are a careful coding agent.' },
      { role: 'user', content: 'Fix the failing test.' },
      {
        role: 'assistant',
        content: 'Looking around first.',
        tool_calls: [
          { id: 'call_a', type: 'function', function: { name: 'terminal', arguments: '{"command":"ls"}' } },
          {
            id: 'call_b',
            type: 'function',
            function: { name: 'file_editor', arguments: '{"command":"view","path":"/repo/a.ts"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_a', content: 'a.ts\nb.ts' },
      { role: 'tool', tool_call_id: 'call_b', content: 'No such file' },
    ]);
    expect(sent?.tools?.[0]).toEqual({
      type: 'function',
      function: {
        name: 'terminal',
        description: 'Run a shell command',
        parameters: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] },
      },
    });
    expect(sent).toMatchObject({ model: 'gpt-4o', max_completion_tokens: 512, temperature: 0, stream });
    if (stream) expect(sent?.stream_options).toEqual({ include_usage: true });
  });
});

test('streamed text reaches onTextDelta piece by piece', async () => {
  server = await startScriptedLlmServer([{ text: 'one two three four', chunks: 4 }]);
  const client = createOpenAiClient(profileFor(server, 'openai', { stream: true }), recordingDeps());
  const deltas: string[] = [];

  const response = await client.complete(agentRequest([{ role: 'user', content: 'count' }]), {
    onTextDelta: (t) => deltas.push(t),
  });

  expect(deltas.length).toBe(4);
  expect(deltas.join('')).toBe(response.content);
});

test('a pure tool-calling assistant turn is sent with null content and no empty tools array', async () => {
  server = await startScriptedLlmServer([{ text: 'ok' }]);
  const client = createOpenAiClient(profileFor(server, 'openai', { stream: false }), recordingDeps());

  await client.complete({
    purpose: 'condenser',
    tools: [],
    messages: [
      { role: 'user', content: 'x' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'think', arguments: '{}' }] },
      { role: 'tool', toolCallId: 'c1', toolName: 'think', content: 'noted', isError: false },
    ],
  });

  const sent = server.requests[0]?.openai;
  expect(sent?.messages[1]).toMatchObject({ role: 'assistant', content: null });
  expect(sent).not.toHaveProperty('tools');
});

test('a model with no known price costs 0 and says so', async () => {
  server = await startScriptedLlmServer([{ text: 'ok' }]);
  const client = createOpenAiClient(profileFor(server, 'openai', { model: 'local-llama' }), recordingDeps());

  const response = await client.complete(agentRequest([{ role: 'user', content: 'x' }]));

  expect(client.pricing.source).toBe('unknown');
  expect(response.metrics.costUsd).toBe(0);
});

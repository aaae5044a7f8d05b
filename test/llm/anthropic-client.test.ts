import { afterEach, describe, expect, test } from 'vitest';
import { createAnthropicClient, toAnthropicMessages } from '../../src/llm/anthropic-client.js';
import { type ScriptedLlmServer, startScriptedLlmServer } from '../support/scripted-llm/index.js';
import { AFTER_PARALLEL_CALLS, agentRequest, profileFor, recordingDeps } from './support.js';

let server: ScriptedLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe.each([false, true])('Anthropic client (stream=%s)', (stream) => {
  test('returns text with its usage and cost, cache reads and writes included', async () => {
    server = await startScriptedLlmServer([
      {
        text: 'All done.',
        usage: { inputTokens: 1_000, cacheReadTokens: 10_000, cacheWriteTokens: 2_000, outputTokens: 400 },
      },
    ]);
    const client = createAnthropicClient(profileFor(server, 'anthropic', { stream }), recordingDeps());

    const response = await client.complete(agentRequest([{ role: 'user', content: 'hi' }]));

    expect(response).toMatchObject({
      id: 'msg_1',
      content: 'All done.',
      toolCalls: [],
      finishReason: 'stop',
    });
    expect(response.metrics).toMatchObject({
      profile: 'anthropic-main',
      model: 'claude-sonnet-4-20250514',
      promptTokens: 13_000,
      completionTokens: 400,
      cacheReadTokens: 10_000,
      cacheWriteTokens: 2_000,
    });
    // claude-sonnet-4 (matched by prefix): $3 in, $0.30 cache read, $3.75 cache write, $15 out.
    const expected = (1_000 * 3 + 10_000 * 0.3 + 2_000 * 3.75 + 400 * 15) / 1e6;
    expect(response.metrics.costUsd).toBeCloseTo(expected, 12);
  });

  test('returns parallel tool calls whose input arrived as JSON pieces', async () => {
    server = await startScriptedLlmServer([
      {
        text: 'Checking.',
        toolCalls: [
          { name: 'terminal', arguments: { command: 'git status --porcelain' } },
          { name: 'file_editor', arguments: { command: 'view', path: '/repo/README.md' } },
        ],
        chunks: 4,
      },
    ]);
    const client = createAnthropicClient(profileFor(server, 'anthropic', { stream }), recordingDeps());

    const response = await client.complete(agentRequest([{ role: 'user', content: 'go' }]));

    expect(response.finishReason).toBe('tool_calls');
    expect(response.content).toBe('Checking.');
    expect(response.toolCalls.map((c) => ({ ...c, arguments: JSON.parse(c.arguments) }))).toEqual([
      { id: 'toolu_1', name: 'terminal', arguments: { command: 'git status --porcelain' } },
      { id: 'toolu_2', name: 'file_editor', arguments: { command: 'view', path: '/repo/README.md' } },
    ]);
  });

  test('sends the system prompt apart, tool_use blocks, and one user turn of tool_result blocks', async () => {
    server = await startScriptedLlmServer([{ text: 'ok' }]);
    const client = createAnthropicClient(profileFor(server, 'anthropic', { stream }), recordingDeps());

    await client.complete(agentRequest(AFTER_PARALLEL_CALLS));

    const sent = server.requests[0]?.anthropic;
    expect(server.requests[0]?.apiKey).toBe('sk-test-key');
    expect(sent?.system).toBe('You are a careful coding agent.');
    expect(sent?.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Fix the failing test.' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Looking around first.' },
          { type: 'tool_use', id: 'call_a', name: 'terminal', input: { command: 'ls' } },
          {
            type: 'tool_use',
            id: 'call_b',
            name: 'file_editor',
            input: { command: 'view', path: '/repo/a.ts' },
          },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_a', content: 'a.ts\nb.ts', is_error: false },
          { type: 'tool_result', tool_use_id: 'call_b', content: 'No such file', is_error: true },
        ],
      },
    ]);
    expect(sent?.tools?.[0]).toEqual({
      name: 'terminal',
      description: 'Run a shell command',
      input_schema: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] },
    });
    expect(sent).toMatchObject({ model: 'claude-sonnet-4-20250514', max_tokens: 8192, stream });
  });
});

test('streamed text reaches onTextDelta piece by piece', async () => {
  server = await startScriptedLlmServer([{ text: 'alpha beta gamma', chunks: 3 }]);
  const client = createAnthropicClient(profileFor(server, 'anthropic', { stream: true }), recordingDeps());
  const deltas: string[] = [];

  const response = await client.complete(agentRequest([{ role: 'user', content: 'x' }]), {
    onTextDelta: (t) => deltas.push(t),
  });

  expect(deltas.length).toBe(3);
  expect(deltas.join('')).toBe('alpha beta gamma');
  expect(response.content).toBe('alpha beta gamma');
});

test('a tool call without parameters streams no JSON and still yields an object', async () => {
  server = await startScriptedLlmServer([{ toolCalls: [{ name: 'finish', arguments: '' }] }]);
  const client = createAnthropicClient(profileFor(server, 'anthropic', { stream: true }), recordingDeps());

  const response = await client.complete(agentRequest([{ role: 'user', content: 'x' }]));

  expect(response.toolCalls).toEqual([{ id: 'toolu_1', name: 'finish', arguments: '{}' }]);
});

test('empty texts are left out and unparseable past arguments become an empty input', () => {
  const messages = toAnthropicMessages([
    { role: 'user', content: 'x' },
    {
      role: 'assistant',
      content: '',
      toolCalls: [{ id: 't1', name: 'terminal', arguments: '{"command": ' }],
    },
    { role: 'tool', toolCallId: 't1', toolName: 'terminal', content: 'bad JSON', isError: true },
    { role: 'user', content: 'try again' },
  ]);

  expect(messages).toEqual([
    { role: 'user', content: [{ type: 'text', text: 'x' }] },
    { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'terminal', input: {} }] },
    {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 't1', content: 'bad JSON', is_error: true },
        { type: 'text', text: 'try again' },
      ],
    },
  ]);
});

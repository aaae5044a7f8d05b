import { afterEach, expect, test } from 'vitest';
import { createOpenAiClient } from '../../src/llm/openai-client.js';
import {
  lastToolResult,
  type ScriptedLlmServer,
  startScriptedLlmServer,
} from '../support/scripted-llm/index.js';
import { AFTER_PARALLEL_CALLS, agentRequest, profileFor, recordingDeps } from './support.js';

let server: ScriptedLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const url = server?.url ?? '';
  return fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer k', ...headers },
    body: JSON.stringify(body),
  });
}

function sseData(text: string): unknown[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('data: ') && l !== 'data: [DONE]')
    .map((l) => JSON.parse(l.slice(6)));
}

const TWO_CALLS = {
  toolCalls: [
    { name: 'terminal', arguments: { command: 'echo one' } },
    { name: 'terminal', arguments: '{"command": "echo two"}' },
  ],
  chunks: 3,
};

test('OpenAI streaming splits each tool call over several chunks and puts usage in a final chunk', async () => {
  server = await startScriptedLlmServer([TWO_CALLS, TWO_CALLS]);
  const body = { model: 'm', messages: [], stream: true };

  const withUsage = await (
    await post('/v1/chat/completions', { ...body, stream_options: { include_usage: true } })
  ).text();
  const without = await (await post('/v1/chat/completions', body)).text();

  type Chunk = {
    choices: { delta: { tool_calls?: { index: number; function?: { arguments?: string } }[] } }[];
  };
  const chunks = sseData(withUsage) as Chunk[];
  const argPieces = chunks.flatMap((c) => c.choices.flatMap((ch) => ch.delta.tool_calls ?? []));
  expect(argPieces.filter((p) => p.index === 0).length).toBeGreaterThanOrEqual(3);
  expect(
    argPieces
      .filter((p) => p.index === 0)
      .map((p) => p.function?.arguments ?? '')
      .join(''),
  ).toBe('{"command":"echo one"}');
  expect(
    argPieces
      .filter((p) => p.index === 1)
      .map((p) => p.function?.arguments ?? '')
      .join(''),
  ).toBe('{"command": "echo two"}');
  expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 100, completion_tokens: 20 } });
  expect(withUsage.trimEnd().endsWith('data: [DONE]')).toBe(true);
  expect(sseData(without).some((c) => (c as { usage?: unknown }).usage)).toBe(false);
});

test('Anthropic streaming sends the documented event sequence, x-api-key accepted', async () => {
  server = await startScriptedLlmServer([{ text: 'hi', ...TWO_CALLS }], { apiKey: 'k2' });

  const res = await post(
    '/v1/messages',
    { model: 'm', max_tokens: 10, messages: [], stream: true },
    {
      authorization: '',
      'x-api-key': 'k2',
    },
  );
  const events = (await res.text())
    .split('\n')
    .filter((l) => l.startsWith('event: '))
    .map((l) => l.slice(7));

  expect(res.status).toBe(200);
  expect(events[0]).toBe('message_start');
  expect(events.filter((e) => e === 'content_block_start')).toHaveLength(3);
  expect(events.filter((e) => e === 'content_block_stop')).toHaveLength(3);
  expect(events.slice(-2)).toEqual(['message_delta', 'message_stop']);
  expect(server.requests[0]?.apiKey).toBe('k2');
});

test('errors come in each provider shape with their headers', async () => {
  server = await startScriptedLlmServer([
    { fault: 'http', status: 429, retryAfter: 3 },
    { fault: 'http', status: 529 },
  ]);

  const openai = await post('/v1/chat/completions', { model: 'm', messages: [] });
  const anthropic = await post('/v1/messages', { model: 'm', max_tokens: 1, messages: [] });

  expect(openai.status).toBe(429);
  expect(openai.headers.get('retry-after')).toBe('3');
  expect(await openai.json()).toMatchObject({ error: { type: 'requests', code: 'rate_limit_exceeded' } });
  expect(anthropic.status).toBe(529);
  expect(await anthropic.json()).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
});

test('a turn can answer according to the last tool result the agent sent', async () => {
  server = await startScriptedLlmServer([
    (request) => ({
      text: `saw ${lastToolResult(request)?.toolCallId}: ${lastToolResult(request)?.content}`,
    }),
  ]);
  const client = createOpenAiClient(profileFor(server, 'openai'), recordingDeps());

  const response = await client.complete(agentRequest(AFTER_PARALLEL_CALLS));

  expect(response.content).toBe('saw call_b: No such file');
});

test('a spent script answers 400 naming itself, and the request is still recorded', async () => {
  server = await startScriptedLlmServer([{ text: 'only one' }]);

  await post('/v1/chat/completions', { model: 'm', messages: [] });
  const second = await post('/v1/chat/completions', { model: 'm', messages: [] });

  expect(second.status).toBe(400);
  expect(JSON.stringify(await second.json())).toContain('script exhausted');
  expect(server.requests).toHaveLength(2);
  expect(server.remaining()).toBe(0);
});

test('each body is recorded verbatim, so a test can search everything that was sent', async () => {
  server = await startScriptedLlmServer([{ text: 'ok' }]);
  const client = createOpenAiClient(profileFor(server, 'openai'), recordingDeps());

  await client.complete(agentRequest([{ role: 'user', content: 'token is <secret-hidden>' }]));

  const raw = server.requests[0]?.raw ?? '';
  expect(raw).toContain('token is <secret-hidden>');
  expect(JSON.parse(raw)).toEqual(server.requests[0]?.openai);
});

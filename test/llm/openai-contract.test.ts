import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createOpenAiClient } from '../../src/llm/openai-client.js';
import {
  openAiContractValidator,
  type RecordedRequest,
  type ScriptedLlmServer,
  startScriptedLlmServer,
} from '../support/scripted-llm/index.js';
import { AFTER_PARALLEL_CALLS, agentRequest, profileFor, recordingDeps } from './support.js';

let validate: (request: RecordedRequest) => readonly string[];
let server: ScriptedLlmServer | undefined;

beforeAll(async () => {
  validate = await openAiContractValidator();
}, 60_000);
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe.each([false, true])(
  'OpenAI requests match the official OpenAPI description (stream=%s)',
  (stream) => {
    test('a conversation with parallel tool calls, tool results and tools', async () => {
      server = await startScriptedLlmServer([{ text: 'ok' }], { validate });
      const client = createOpenAiClient(profileFor(server, 'openai', { stream }), recordingDeps());

      await client.complete({
        ...agentRequest(AFTER_PARALLEL_CALLS),
        temperature: 0.2,
        maxOutputTokens: 100,
      });

      expect(server.violations).toEqual([]);
    });

    test('a tool-less call whose assistant turn only called tools', async () => {
      server = await startScriptedLlmServer([{ text: 'ok' }], { validate });
      const client = createOpenAiClient(profileFor(server, 'openai', { stream }), recordingDeps());

      await client.complete({
        purpose: 'security',
        tools: [],
        messages: [
          { role: 'user', content: 'x' },
          { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'think', arguments: '{}' }] },
          { role: 'tool', toolCallId: 'c1', toolName: 'think', content: '', isError: false },
        ],
      });

      expect(server.violations).toEqual([]);
    });
  },
);

test('the validator catches a tool message without tool_call_id', async () => {
  server = await startScriptedLlmServer([{ text: 'never' }], { validate });

  const res = await fetch(`${server.openaiBaseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
    body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'tool', content: 'result' }] }),
  });

  expect(res.status).toBe(400);
  expect(server.violations).toHaveLength(1);
  expect(server.violations[0]?.errors.join('\n')).toMatch(/tool_call_id/);
  expect(server.remaining()).toBe(1);
});

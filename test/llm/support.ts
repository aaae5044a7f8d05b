import type { LlmClientDeps } from '../../src/llm/llm-client-deps.js';
import { type LlmProfile, type LlmProfileInput, llmProfileSchema } from '../../src/llm/llm-profile.js';
import type { ChatMessage, LlmRequest } from '../../src/llm/types.js';
import type { ScriptedLlmServer } from '../support/scripted-llm/index.js';

export const API_KEY = 'sk-test-key';

/** A profile pointed at the scripted server, with short retry waits (the sleep is injected anyway). */
export function profileFor(
  server: ScriptedLlmServer,
  provider: 'openai' | 'anthropic',
  overrides: Partial<LlmProfileInput> = {},
): LlmProfile {
  return llmProfileSchema.parse({
    name: `${provider}-main`,
    provider,
    model: provider === 'openai' ? 'gpt-4o' : 'claude-sonnet-4-20250514',
    apiKey: API_KEY,
    baseUrl: provider === 'openai' ? server.openaiBaseUrl : server.url,
    maxRetries: 3,
    retryMinWaitMs: 1_000,
    retryMaxWaitMs: 8_000,
    timeoutMs: 5_000,
    ...overrides,
  });
}

/** Deps whose sleep returns at once and records what it was asked to wait. */
export function recordingDeps(extra: LlmClientDeps = {}): LlmClientDeps & { waits: number[] } {
  const waits: number[] = [];
  let clock = 1_000_000;
  let ids = 0;
  return {
    waits,
    sleep: async (ms) => {
      waits.push(ms);
    },
    now: () => clock++,
    random: () => 0.5,
    newId: () => `generated-${++ids}`,
    ...extra,
  };
}

export const TOOLS: LlmRequest['tools'] = [
  {
    name: 'terminal',
    description: 'Run a shell command',
    parameters: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] },
  },
  {
    name: 'file_editor',
    description: 'View and edit files',
    parameters: {
      type: 'object',
      properties: { command: { type: 'string' }, path: { type: 'string' } },
      required: ['command', 'path'],
    },
  },
];

export function agentRequest(messages: ChatMessage[]): LlmRequest {
  return { purpose: 'agent', messages, tools: TOOLS };
}

/** A conversation that has been through one round of two parallel tool calls. */
export const AFTER_PARALLEL_CALLS: ChatMessage[] = [
  { role: 'system', content: 'You are a careful coding agent.' },
  { role: 'user', content: 'Fix the failing test.' },
  {
    role: 'assistant',
    content: 'Looking around first.',
    toolCalls: [
      { id: 'call_a', name: 'terminal', arguments: '{"command":"ls"}' },
      { id: 'call_b', name: 'file_editor', arguments: '{"command":"view","path":"/repo/a.ts"}' },
    ],
  },
  { role: 'tool', toolCallId: 'call_a', toolName: 'terminal', content: 'a.ts\nb.ts', isError: false },
  { role: 'tool', toolCallId: 'call_b', toolName: 'file_editor', content: 'No such file', isError: true },
];

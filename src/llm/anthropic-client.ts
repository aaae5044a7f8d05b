import Anthropic, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@anthropic-ai/sdk';
import type {
  ContentBlockParam,
  Message,
  MessageCreateParamsBase,
  MessageParam,
  Tool,
} from '@anthropic-ai/sdk/resources/messages/messages';
import type { ProviderResult } from './build-llm-response.js';
import {
  classifyHttpFailure,
  classifyOtherFailure,
  type LlmFailure,
  simpleFailure,
} from './classify-llm-failure.js';
import { createProviderClient } from './create-provider-client.js';
import type { LlmClientDeps, ProviderLlmClient } from './llm-client-deps.js';
import type { LlmProfile } from './llm-profile.js';
import type { TokenUsage } from './pricing.js';
import type { ChatMessage, LlmCallOptions, LlmRequest, LlmResponse, ToolCall } from './types.js';

const ANTHROPIC_API = 'https://api.anthropic.com';

/** An Anthropic messages-API client for one profile. `profile.baseUrl` is the root, without `/v1`. */
export function createAnthropicClient(profile: LlmProfile, deps?: LlmClientDeps): ProviderLlmClient {
  const sdk = new Anthropic({
    apiKey: profile.apiKey,
    // Explicit so the SDK never falls back to ANTHROPIC_BASE_URL or credential files.
    baseURL: profile.baseUrl ?? ANTHROPIC_API,
    // Our own loop retries, with our backoff and our classification.
    maxRetries: 0,
    timeout: profile.timeoutMs,
  });
  return createProviderClient(
    profile,
    {
      async call(request, options) {
        const body = toRequestBody(profile, request);
        return profile.stream
          ? streamMessage(sdk, body, options, profile.name)
          : fromMessage(
              await sdk.messages.create(
                { ...body, stream: false },
                options.signal ? { signal: options.signal } : {},
              ),
            );
      },
      classify: classifyAnthropicFailure,
    },
    deps,
  );
}

type BaseBody = Omit<MessageCreateParamsBase, 'stream'>;

export function toRequestBody(profile: LlmProfile, request: LlmRequest): BaseBody {
  const system = request.messages
    .filter((m) => m.role === 'system')
    .map((m) => m.content)
    .join('\n\n');
  const tools: Tool[] = request.tools.map((t) => ({
    name: t.name,
    description: t.description,
    // ToolSpec.parameters is a JSON Schema object typed as a plain record; the SDK wants its own
    // narrower InputSchema type (`type: 'object'` plus anything), which our schemas always are.
    input_schema: t.parameters as Tool.InputSchema,
  }));
  return {
    model: profile.model,
    max_tokens: request.maxOutputTokens ?? profile.maxOutputTokens,
    ...(system === '' ? {} : { system }),
    messages: toAnthropicMessages(request.messages),
    ...(tools.length > 0 ? { tools } : {}),
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
  };
}

/**
 * Chat messages → Anthropic turns. Tool results travel as `tool_result` blocks in user turns, and
 * adjacent turns of one role merge into one, so the parallel results of one assistant turn answer it
 * together (the API requires all of them in the next user message).
 */
export function toAnthropicMessages(messages: readonly ChatMessage[]): MessageParam[] {
  const turns: { role: 'user' | 'assistant'; content: ContentBlockParam[] }[] = [];
  const push = (role: 'user' | 'assistant', blocks: ContentBlockParam[]) => {
    if (blocks.length === 0) return;
    const last = turns.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  };
  for (const m of messages) {
    switch (m.role) {
      case 'system':
        break; // sent as the top-level `system` field
      case 'user':
        // The API rejects empty text blocks.
        push('user', m.content === '' ? [] : [{ type: 'text', text: m.content }]);
        break;
      case 'assistant':
        push('assistant', [
          ...(m.content === '' ? [] : [{ type: 'text' as const, text: m.content }]),
          ...m.toolCalls.map((c) => ({
            type: 'tool_use' as const,
            id: c.id,
            name: c.name,
            input: toolInput(c),
          })),
        ]);
        break;
      case 'tool':
        push('user', [
          { type: 'tool_result', tool_use_id: m.toolCallId, content: m.content, is_error: m.isError },
        ]);
        break;
    }
  }
  return turns;
}

/** `tool_use.input` must be an object; a call whose arguments did not parse was already answered with an error. */
function toolInput(call: ToolCall): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(call.arguments);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

function fromMessage(message: Message): ProviderResult {
  let content = '';
  const toolCalls: ToolCall[] = [];
  for (const block of message.content) {
    if (block.type === 'text') content += block.text;
    else if (block.type === 'tool_use') {
      toolCalls.push({ id: block.id, name: block.name, arguments: JSON.stringify(block.input) });
    }
  }
  return {
    id: message.id,
    content,
    toolCalls,
    finishReason: mapStopReason(message.stop_reason),
    usage: usageOf(message.usage),
  };
}

interface UsageFields {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}

async function streamMessage(
  sdk: Anthropic,
  body: BaseBody,
  options: LlmCallOptions,
  profileName: string,
): Promise<ProviderResult> {
  const stream = await sdk.messages.create(
    { ...body, stream: true },
    options.signal ? { signal: options.signal } : {},
  );
  let id: string | undefined;
  let content = '';
  let stopReason: string | null = null;
  let stopped = false;
  let usage: UsageFields = {};
  // Blocks by index; tool_use input arrives as JSON text fragments.
  const toolBlocks = new Map<number, ToolCall>();
  for await (const event of stream) {
    switch (event.type) {
      case 'message_start':
        id = event.message.id;
        usage = { ...event.message.usage };
        break;
      case 'content_block_start':
        if (event.content_block.type === 'tool_use') {
          const { id: callId, name } = event.content_block;
          toolBlocks.set(event.index, { id: callId, name, arguments: '' });
        }
        break;
      case 'content_block_delta':
        if (event.delta.type === 'text_delta') {
          content += event.delta.text;
          options.onTextDelta?.(event.delta.text);
        } else if (event.delta.type === 'input_json_delta') {
          const call = toolBlocks.get(event.index);
          if (call) call.arguments += event.delta.partial_json;
        }
        break;
      case 'message_delta':
        stopReason = event.delta.stop_reason;
        // Counts in message_delta are cumulative; null means "unchanged".
        for (const [key, value] of Object.entries(event.usage)) {
          if (typeof value === 'number') usage = { ...usage, [key]: value };
        }
        break;
      case 'message_stop':
        stopped = true;
        break;
      default:
        break;
    }
  }
  // The SDK ends the iteration quietly on abort and a cut connection can end it early: both are failures.
  if (!stopped) {
    throw simpleFailure('connection', profileName, 'stream ended before message_stop', undefined).error;
  }
  const toolCalls = [...toolBlocks.entries()]
    .sort(([a], [b]) => a - b)
    // A tool without parameters streams no JSON at all.
    .map(([, call]) => ({ ...call, arguments: call.arguments === '' ? '{}' : call.arguments }));
  return { id, content, toolCalls, finishReason: mapStopReason(stopReason), usage: usageOf(usage) };
}

/** Anthropic's input_tokens excludes cache reads and writes; ours includes them (see TokenUsage). */
function usageOf(usage: UsageFields): TokenUsage {
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const cacheWrite = usage.cache_creation_input_tokens ?? 0;
  return {
    promptTokens: (usage.input_tokens ?? 0) + cacheRead + cacheWrite,
    completionTokens: usage.output_tokens ?? 0,
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
  };
}

function mapStopReason(reason: string | null): LlmResponse['finishReason'] {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'tool_use':
      return 'tool_calls';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    default:
      return 'other';
  }
}

/** SDK error classes → LlmError kinds, by class, status and error code, never by message (bar one case). */
export function classifyAnthropicFailure(err: unknown, profile: string, now: number): LlmFailure {
  if (err instanceof APIUserAbortError) return simpleFailure('aborted', profile, 'call aborted', err);
  if (err instanceof APIConnectionTimeoutError)
    return simpleFailure('timeout', profile, 'request timed out', err);
  if (err instanceof APIConnectionError)
    return simpleFailure('connection', profile, 'connection failed', err);
  if (err instanceof APIError) {
    return classifyHttpFailure({
      profile,
      status: err.status,
      headers: err.headers,
      code: err.errorCode,
      type: err.type,
      message: err.apiMessage ?? err.message,
      cause: err,
      now,
    });
  }
  return classifyOtherFailure(err, profile);
}

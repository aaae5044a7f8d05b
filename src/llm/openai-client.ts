import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type {
  ChatCompletion,
  ChatCompletionCreateParamsBase,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
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

const OPENAI_API = 'https://api.openai.com/v1';

/** An OpenAI chat-completions client (or any server speaking that wire format) for one profile. */
export function createOpenAiClient(profile: LlmProfile, deps?: LlmClientDeps): ProviderLlmClient {
  const sdk = new OpenAI({
    apiKey: profile.apiKey,
    // Explicit values so the SDK never picks up OPENAI_BASE_URL / OPENAI_ORG_ID / OPENAI_PROJECT_ID.
    baseURL: profile.baseUrl ?? OPENAI_API,
    organization: null,
    project: null,
    // Our own loop retries, with our backoff and our classification.
    maxRetries: 0,
    timeout: profile.timeoutMs,
  });
  return createProviderClient(
    profile,
    {
      async call(request, options, newId) {
        const body = toRequestBody(profile, request);
        return profile.stream
          ? streamCompletion(sdk, body, options, profile.name, newId)
          : fromCompletion(await sdk.chat.completions.create({ ...body, stream: false }, signalOf(options)));
      },
      classify: classifyOpenAiFailure,
    },
    deps,
  );
}

type BaseBody = Omit<ChatCompletionCreateParamsBase, 'stream'>;

export function toRequestBody(profile: LlmProfile, request: LlmRequest): BaseBody {
  const tools: ChatCompletionTool[] = request.tools.map((t) => ({
    type: 'function',
    function: { name: t.name, description: t.description, parameters: t.parameters },
  }));
  return {
    model: profile.model,
    messages: request.messages.map(toOpenAiMessage),
    // OpenAI rejects an empty tools array, so a tool-less call sends none.
    ...(tools.length > 0 ? { tools } : {}),
    max_completion_tokens: request.maxOutputTokens ?? profile.maxOutputTokens,
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
  };
}

export function toOpenAiMessage(message: ChatMessage): ChatCompletionMessageParam {
  switch (message.role) {
    case 'system':
    case 'user':
      return { role: message.role, content: message.content };
    case 'assistant':
      if (message.toolCalls.length === 0) return { role: 'assistant', content: message.content };
      return {
        role: 'assistant',
        // A pure tool-calling turn carries null content, as the API itself returns it.
        content: message.content === '' ? null : message.content,
        tool_calls: message.toolCalls.map((c) => ({
          id: c.id,
          type: 'function',
          function: { name: c.name, arguments: c.arguments },
        })),
      };
    case 'tool':
      // The wire format has no error flag: the agent's observation text says what went wrong.
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
  }
}

function signalOf(options: LlmCallOptions): { signal?: AbortSignal } {
  return options.signal ? { signal: options.signal } : {};
}

function fromCompletion(completion: ChatCompletion): ProviderResult {
  const choice = completion.choices[0];
  const toolCalls: ToolCall[] = [];
  for (const call of choice?.message.tool_calls ?? []) {
    if (call.type === 'function') {
      toolCalls.push({ id: call.id, name: call.function.name, arguments: call.function.arguments });
    }
  }
  return {
    id: completion.id,
    content: choice?.message.content ?? '',
    toolCalls,
    finishReason: mapFinishReason(choice?.finish_reason),
    usage: usageOf(completion.usage),
  };
}

async function streamCompletion(
  sdk: OpenAI,
  body: BaseBody,
  options: LlmCallOptions,
  profileName: string,
  newId: () => string,
): Promise<ProviderResult> {
  const stream = await sdk.chat.completions.create(
    { ...body, stream: true, stream_options: { include_usage: true } },
    signalOf(options),
  );
  let id: string | undefined;
  let content = '';
  let finish: string | undefined;
  let usage: TokenUsage | undefined;
  // Tool calls arrive as fragments keyed by index: the first carries id and name, the rest argument text.
  const calls = new Map<number, ToolCall>();
  for await (const chunk of stream) {
    id ??= chunk.id;
    if (chunk.usage) usage = usageOf(chunk.usage);
    const choice = chunk.choices[0];
    if (!choice) continue;
    const text = choice.delta.content;
    if (text) {
      content += text;
      options.onTextDelta?.(text);
    }
    for (const fragment of choice.delta.tool_calls ?? []) {
      const call = calls.get(fragment.index) ?? { id: '', name: '', arguments: '' };
      if (fragment.id) call.id = fragment.id;
      if (fragment.function?.name) call.name = fragment.function.name;
      if (fragment.function?.arguments) call.arguments += fragment.function.arguments;
      calls.set(fragment.index, call);
    }
    if (choice.finish_reason) finish = choice.finish_reason;
  }
  // The SDK ends the iteration quietly on abort and a cut connection can end it early: both are failures.
  if (finish === undefined) {
    throw simpleFailure('connection', profileName, 'stream ended before a finish reason', undefined).error;
  }
  const toolCalls = [...calls.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, call]) => ({ ...call, id: call.id || newId() }));
  return {
    id,
    content,
    toolCalls,
    finishReason: mapFinishReason(finish),
    usage: usage ?? usageOf(undefined),
  };
}

function usageOf(usage: ChatCompletion['usage']): TokenUsage {
  return {
    promptTokens: usage?.prompt_tokens ?? 0,
    completionTokens: usage?.completion_tokens ?? 0,
    cacheReadTokens: usage?.prompt_tokens_details?.cached_tokens ?? 0,
    cacheWriteTokens: 0,
  };
}

function mapFinishReason(reason: string | null | undefined): LlmResponse['finishReason'] {
  switch (reason) {
    case 'stop':
      return 'stop';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    case 'length':
      return 'length';
    default:
      return 'other';
  }
}

/** SDK error classes → LlmError kinds, by class and status, never by message. */
export function classifyOpenAiFailure(err: unknown, profile: string, now: number): LlmFailure {
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
      code: err.code,
      type: err.type,
      message: err.message,
      cause: err,
      now,
    });
  }
  return classifyOtherFailure(err, profile);
}

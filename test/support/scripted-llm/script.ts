import type { MessageCreateParams } from '@anthropic-ai/sdk/resources/messages/messages';
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';

/** Token counts a scripted reply reports; `inputTokens` excludes cache reads and writes. */
export interface ScriptedUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

export interface ScriptedToolCall {
  name: string;
  /** An object is sent as its JSON; a string is sent verbatim (so a test can send broken JSON). */
  arguments: Record<string, unknown> | string;
  /** Defaults to the next `call_N` (OpenAI) / `toolu_N` (Anthropic). */
  id?: string;
}

/** A model answer: text, tool calls, or both. */
export interface ScriptedReply {
  text?: string;
  toolCalls?: readonly ScriptedToolCall[];
  usage?: Partial<ScriptedUsage>;
  /** Defaults to `tool_calls` when there are tool calls, else `stop`. */
  finishReason?: 'stop' | 'tool_calls' | 'length';
  /** How many pieces each text and each tool's argument string is streamed in (default 3). */
  chunks?: number;
  /** Waits before answering. */
  delayMs?: number;
}

/** A failure: an HTTP error in the provider's shape, a dropped connection, or no answer at all. */
export type ScriptedFault =
  | {
      fault: 'http';
      status: number;
      /** Sent as the `retry-after` header (seconds, or an HTTP date). */
      retryAfter?: string | number;
      /** Sent as OpenAI's `retry-after-ms` header. */
      retryAfterMs?: number;
      /** Provider error type; a default fitting the status is used otherwise. */
      errorType?: string;
      /** OpenAI `error.code`; Anthropic `error.details.error_code`. */
      errorCode?: string;
      message?: string;
      /** Replaces the whole provider-shaped body. */
      body?: unknown;
    }
  /** The socket is destroyed before any response byte. */
  | { fault: 'drop' }
  /** Streaming requests get the first events, then the socket is destroyed (plain ones: like `drop`). */
  | { fault: 'drop-mid-stream' }
  /** Streaming requests get the first events, then nothing more (plain ones: like `hang`). */
  | { fault: 'stall-mid-stream' }
  /** The request is never answered (until the client aborts or times out, or the server closes). */
  | { fault: 'hang' };

export type ScriptedOutcome = ScriptedReply | ScriptedFault;

/** A turn is an outcome, or a function choosing one from the request (e.g. by the last tool result). */
export type ScriptedTurn = ScriptedOutcome | ((request: RecordedRequest) => ScriptedOutcome);

/** Turns are consumed one per request, in order; a function script answers every request. */
export type Script = readonly ScriptedTurn[] | ((request: RecordedRequest) => ScriptedOutcome);

export interface RecordedRequest {
  /** 0-based arrival order. */
  index: number;
  api: 'openai' | 'anthropic';
  method: string;
  path: string;
  headers: Readonly<Record<string, string>>;
  /** The key from `Authorization: Bearer` or `x-api-key`. */
  apiKey: string | undefined;
  /** The body text exactly as received (search it to prove a secret never left). */
  raw: string;
  /** The parsed body, typed by the official SDK's own request types (set for `api === 'openai'`). */
  openai: ChatCompletionCreateParams | undefined;
  /** Likewise for Anthropic (set for `api === 'anthropic'`). */
  anthropic: MessageCreateParams | undefined;
  stream: boolean;
}

export function isFault(outcome: ScriptedOutcome): outcome is ScriptedFault {
  return 'fault' in outcome;
}

export interface ToolResultSeen {
  toolCallId: string;
  content: string;
  isError: boolean | undefined;
}

/** The last tool result the client sent, in either wire format: lets a turn answer according to it. */
export function lastToolResult(request: RecordedRequest): ToolResultSeen | undefined {
  if (request.openai) {
    const message = request.openai.messages.findLast((m) => m.role === 'tool');
    if (message?.role !== 'tool') return undefined;
    const content =
      typeof message.content === 'string' ? message.content : message.content.map((p) => p.text).join('');
    return { toolCallId: message.tool_call_id, content, isError: undefined };
  }
  for (const message of [...(request.anthropic?.messages ?? [])].reverse()) {
    if (message.role !== 'user' || typeof message.content === 'string') continue;
    const block = message.content.findLast((b) => b.type === 'tool_result');
    if (block?.type !== 'tool_result') continue;
    const content =
      typeof block.content === 'string'
        ? block.content
        : (block.content ?? []).map((b) => (b.type === 'text' ? b.text : '')).join('');
    return { toolCallId: block.tool_use_id, content, isError: block.is_error ?? undefined };
  }
  return undefined;
}

/** Splits `text` into at most `pieces` consecutive non-empty parts. */
export function splitInto(text: string, pieces: number): string[] {
  if (text === '') return [];
  const size = Math.max(1, Math.ceil(text.length / Math.max(1, pieces)));
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += size) parts.push(text.slice(i, i + size));
  return parts;
}

export function argumentsText(call: ScriptedToolCall): string {
  return typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
}

export function usageOf(reply: ScriptedReply): ScriptedUsage {
  return {
    inputTokens: reply.usage?.inputTokens ?? 100,
    outputTokens: reply.usage?.outputTokens ?? 20,
    cacheReadTokens: reply.usage?.cacheReadTokens ?? 0,
    cacheWriteTokens: reply.usage?.cacheWriteTokens ?? 0,
  };
}

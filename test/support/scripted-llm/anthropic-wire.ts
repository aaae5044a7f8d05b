import type { WireContext } from './openai-wire.js';
import { argumentsText, type ScriptedFault, type ScriptedReply, splitInto, usageOf } from './script.js';

interface ResolvedCall {
  id: string;
  name: string;
  arguments: string;
}

function resolveCalls(reply: ScriptedReply, ctx: WireContext): ResolvedCall[] {
  return (reply.toolCalls ?? []).map((c) => ({
    id: c.id ?? ctx.nextCallId(),
    name: c.name,
    arguments: argumentsText(c),
  }));
}

function stopReasonOf(reply: ScriptedReply, calls: readonly ResolvedCall[]): string {
  switch (reply.finishReason ?? (calls.length > 0 ? 'tool_calls' : 'stop')) {
    case 'tool_calls':
      return 'tool_use';
    case 'length':
      return 'max_tokens';
    default:
      return 'end_turn';
  }
}

function usageBody(reply: ScriptedReply) {
  const u = usageOf(reply);
  return {
    input_tokens: u.inputTokens,
    output_tokens: u.outputTokens,
    cache_read_input_tokens: u.cacheReadTokens,
    cache_creation_input_tokens: u.cacheWriteTokens,
  };
}

/** A `message` object. Tool arguments given as a string must be valid JSON here (input is an object). */
export function anthropicMessage(reply: ScriptedReply, ctx: WireContext): unknown {
  const calls = resolveCalls(reply, ctx);
  return {
    id: ctx.responseId,
    type: 'message',
    role: 'assistant',
    model: ctx.model,
    content: [
      ...(reply.text ? [{ type: 'text', text: reply.text }] : []),
      ...calls.map((c) => ({ type: 'tool_use', id: c.id, name: c.name, input: JSON.parse(c.arguments) })),
    ],
    stop_reason: stopReasonOf(reply, calls),
    stop_sequence: null,
    usage: usageBody(reply),
  };
}

function frame(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

/** SSE frames: message_start, content blocks with text/input_json deltas, message_delta, message_stop. */
export function anthropicStreamFrames(reply: ScriptedReply, ctx: WireContext): string[] {
  const calls = resolveCalls(reply, ctx);
  const pieces = reply.chunks ?? 3;
  const usage = usageBody(reply);
  const frames = [
    frame('message_start', {
      message: {
        id: ctx.responseId,
        type: 'message',
        role: 'assistant',
        model: ctx.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        // As the API does: input counts up front, output counted at the end.
        usage: { ...usage, output_tokens: 1 },
      },
    }),
    frame('ping', {}),
  ];
  let index = 0;
  if (reply.text) {
    frames.push(frame('content_block_start', { index, content_block: { type: 'text', text: '' } }));
    for (const text of splitInto(reply.text, pieces)) {
      frames.push(frame('content_block_delta', { index, delta: { type: 'text_delta', text } }));
    }
    frames.push(frame('content_block_stop', { index }));
    index++;
  }
  for (const call of calls) {
    frames.push(
      frame('content_block_start', {
        index,
        content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} },
      }),
    );
    for (const partial_json of splitInto(call.arguments, pieces)) {
      frames.push(frame('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json } }));
    }
    frames.push(frame('content_block_stop', { index }));
    index++;
  }
  frames.push(
    frame('message_delta', {
      delta: { stop_reason: stopReasonOf(reply, calls), stop_sequence: null },
      usage: { output_tokens: usage.output_tokens },
    }),
    frame('message_stop', {}),
  );
  return frames;
}

const ANTHROPIC_ERRORS: Record<number, { type: string; message: string }> = {
  400: { type: 'invalid_request_error', message: 'Invalid request.' },
  401: { type: 'authentication_error', message: 'invalid x-api-key' },
  403: {
    type: 'permission_error',
    message: 'Your API key does not have permission to use the specified resource.',
  },
  404: { type: 'not_found_error', message: 'model: not found' },
  413: { type: 'request_too_large', message: 'Request exceeds the maximum allowed number of bytes.' },
  429: { type: 'rate_limit_error', message: 'Number of request tokens has exceeded your rate limit.' },
  500: { type: 'api_error', message: 'Internal server error' },
  529: { type: 'overloaded_error', message: 'Overloaded' },
};

/** `{ type: 'error', error: { type, message } }`, as Anthropic sends it. */
export function anthropicErrorBody(
  fault: Extract<ScriptedFault, { fault: 'http' }>,
  requestId: string,
): unknown {
  if (fault.body !== undefined) return fault.body;
  const base = ANTHROPIC_ERRORS[fault.status] ?? ANTHROPIC_ERRORS[fault.status >= 500 ? 500 : 400];
  return {
    type: 'error',
    error: {
      type: fault.errorType ?? base?.type ?? 'invalid_request_error',
      message: fault.message ?? base?.message ?? 'error',
      ...(fault.errorCode ? { details: { error_code: fault.errorCode } } : {}),
    },
    request_id: requestId,
  };
}

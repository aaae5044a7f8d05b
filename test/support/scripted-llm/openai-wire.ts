import { argumentsText, type ScriptedFault, type ScriptedReply, splitInto, usageOf } from './script.js';

/** Fixed so recorded responses are byte-for-byte repeatable. */
const CREATED = 1_700_000_000;

export interface WireContext {
  model: string;
  responseId: string;
  /** Ids for calls the script gave none, in order. */
  nextCallId: () => string;
  includeUsage: boolean;
}

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

function finishReasonOf(reply: ScriptedReply, calls: readonly ResolvedCall[]): string {
  return reply.finishReason ?? (calls.length > 0 ? 'tool_calls' : 'stop');
}

function usageBody(reply: ScriptedReply) {
  const u = usageOf(reply);
  const prompt = u.inputTokens + u.cacheReadTokens + u.cacheWriteTokens;
  return {
    prompt_tokens: prompt,
    completion_tokens: u.outputTokens,
    total_tokens: prompt + u.outputTokens,
    prompt_tokens_details: { cached_tokens: u.cacheReadTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** A `chat.completion` object. */
export function openAiCompletion(reply: ScriptedReply, ctx: WireContext): unknown {
  const calls = resolveCalls(reply, ctx);
  return {
    id: ctx.responseId,
    object: 'chat.completion',
    created: CREATED,
    model: ctx.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: reply.text ?? null,
          refusal: null,
          ...(calls.length > 0
            ? {
                tool_calls: calls.map((c) => ({
                  id: c.id,
                  type: 'function',
                  function: { name: c.name, arguments: c.arguments },
                })),
              }
            : {}),
        },
        logprobs: null,
        finish_reason: finishReasonOf(reply, calls),
      },
    ],
    usage: usageBody(reply),
    system_fingerprint: 'fp_scripted',
  };
}

/** SSE frames of a streamed completion; tool arguments are split across several chunks. */
export function openAiStreamFrames(reply: ScriptedReply, ctx: WireContext): string[] {
  const calls = resolveCalls(reply, ctx);
  const pieces = reply.chunks ?? 3;
  const chunk = (delta: unknown, finish: string | null = null) => ({
    id: ctx.responseId,
    object: 'chat.completion.chunk',
    created: CREATED,
    model: ctx.model,
    system_fingerprint: 'fp_scripted',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(ctx.includeUsage ? { usage: null } : {}),
  });
  const chunks: unknown[] = [chunk({ role: 'assistant', content: '', refusal: null })];
  for (const text of splitInto(reply.text ?? '', pieces)) chunks.push(chunk({ content: text }));
  calls.forEach((call, index) => {
    chunks.push(
      chunk({
        tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }],
      }),
    );
    for (const part of splitInto(call.arguments, pieces)) {
      chunks.push(chunk({ tool_calls: [{ index, function: { arguments: part } }] }));
    }
  });
  chunks.push(chunk({}, finishReasonOf(reply, calls)));
  if (ctx.includeUsage) {
    chunks.push({
      id: ctx.responseId,
      object: 'chat.completion.chunk',
      created: CREATED,
      model: ctx.model,
      system_fingerprint: 'fp_scripted',
      choices: [],
      usage: usageBody(reply),
    });
  }
  return [...chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`), 'data: [DONE]\n\n'];
}

const OPENAI_ERRORS: Record<number, { type: string; code: string | null; message: string }> = {
  400: { type: 'invalid_request_error', code: null, message: 'Invalid request.' },
  401: { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided.' },
  403: { type: 'invalid_request_error', code: 'unsupported_country_region_territory', message: 'Forbidden.' },
  404: { type: 'invalid_request_error', code: 'model_not_found', message: 'The model does not exist.' },
  429: { type: 'requests', code: 'rate_limit_exceeded', message: 'Rate limit reached for requests.' },
  500: { type: 'server_error', code: null, message: 'The server had an error processing your request.' },
  503: { type: 'server_error', code: null, message: 'The engine is currently overloaded.' },
};

/** `{ error: { message, type, param, code } }`, as OpenAI sends it. */
export function openAiErrorBody(fault: Extract<ScriptedFault, { fault: 'http' }>): unknown {
  if (fault.body !== undefined) return fault.body;
  const base = OPENAI_ERRORS[fault.status] ?? OPENAI_ERRORS[fault.status >= 500 ? 500 : 400];
  return {
    error: {
      message: fault.message ?? base?.message ?? 'error',
      type: fault.errorType ?? base?.type ?? 'invalid_request_error',
      param: null,
      code: fault.errorCode ?? base?.code ?? null,
    },
  };
}

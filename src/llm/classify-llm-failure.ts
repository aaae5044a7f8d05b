import { LlmError, type LlmErrorKind } from './llm-error.js';

/** An LLM call's failure as the retry loop sees it. */
export interface LlmFailure {
  error: LlmError;
  /** False when retrying the same profile cannot help (a quota, a day-long retry-after) though another profile might. */
  retryable: boolean;
  /** What the provider asked us to wait, in milliseconds. */
  retryAfterMs: number | undefined;
}

/** The fields both SDKs' `APIError` carry, extracted by each client from its own error classes. */
export interface HttpFailureFields {
  profile: string;
  /** Undefined for errors that arrive as events inside a stream. */
  status: number | undefined;
  headers: Headers | undefined;
  /** Provider error code (OpenAI `code`, Anthropic `details.error_code`). */
  code: string | null | undefined;
  /** Provider error type (OpenAI `type`, Anthropic `error.type`). */
  type: string | null | undefined;
  message: string;
  cause: unknown;
  now: number;
}

// Codes and types that say the prompt did not fit. Anthropic has no code for it yet, hence the text
// fallback below, used only when the provider gave no code at all.
const CONTEXT_CODES = new Set(['context_length_exceeded', 'context_window_exceeded', 'prompt_too_long']);
const CONTEXT_TEXT =
  /prompt is too long|context length|context window|maximum context|too many (input )?tokens|reduce the length/i;
// A 429 that is an empty account, not a busy provider: waiting does not help.
const QUOTA_CODES = new Set(['insufficient_quota', 'billing_hard_limit_reached']);

export function classifyHttpFailure(fields: HttpFailureFields): LlmFailure {
  const retryAfterMs = fields.headers ? parseRetryAfter(fields.headers, fields.now) : undefined;
  const kind = kindOf(fields);
  const quota =
    (fields.code && QUOTA_CODES.has(fields.code)) || (fields.type && QUOTA_CODES.has(fields.type));
  const status = fields.status === undefined ? '' : ` ${fields.status}`;
  const error = new LlmError(
    `LLM profile "${fields.profile}" failed (HTTP${status || ' stream error'}): ${fields.message}`,
    {
      kind,
      profile: fields.profile,
      ...(fields.status === undefined ? {} : { status: fields.status }),
      ...(retryAfterMs === undefined ? {} : { retryAfterSeconds: retryAfterMs / 1000 }),
    },
    { cause: fields.cause },
  );
  return { error, retryable: error.transient && !quota, retryAfterMs };
}

function kindOf(f: HttpFailureFields): LlmErrorKind {
  const { status } = f;
  if (status === undefined) return kindOfStreamError(f.type);
  if (status === 401 || status === 403) return 'authentication';
  // Billing problems are the operator's to fix, like a bad key.
  if (status === 402) return 'authentication';
  if (status === 404) return 'model_not_found';
  if (status === 408) return 'timeout';
  if (status === 429) return 'rate_limit';
  // 409 is OpenAI's lock timeout and 529 Anthropic's "overloaded": both pass with time.
  if (status === 409 || status >= 500) return 'server';
  if (status === 400 || status === 413 || status === 422) {
    const code = f.code ?? undefined;
    if (code !== undefined) return CONTEXT_CODES.has(code) ? 'context_window_exceeded' : 'bad_request';
    return CONTEXT_TEXT.test(f.message) ? 'context_window_exceeded' : 'bad_request';
  }
  return 'bad_request';
}

function kindOfStreamError(type: string | null | undefined): LlmErrorKind {
  switch (type) {
    case 'rate_limit_error':
      return 'rate_limit';
    case 'authentication_error':
    case 'permission_error':
      return 'authentication';
    case 'invalid_request_error':
      return 'bad_request';
    case 'not_found_error':
      return 'model_not_found';
    default:
      // overloaded_error, api_error, server_error or nothing: the provider broke mid-answer.
      return 'server';
  }
}

export function simpleFailure(
  kind: LlmErrorKind,
  profile: string,
  message: string,
  cause: unknown,
): LlmFailure {
  const error = new LlmError(`LLM profile "${profile}": ${message}`, { kind, profile }, { cause });
  return { error, retryable: error.transient, retryAfterMs: undefined };
}

// Socket-level failures surface from fetch as TypeError("terminated" / "fetch failed") with a coded cause.
const SOCKET_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN']);

/** Failures that are not the SDK's own error classes: our LlmErrors, dropped sockets, anything else. */
export function classifyOtherFailure(err: unknown, profile: string): LlmFailure {
  if (err instanceof LlmError) return { error: err, retryable: err.transient, retryAfterMs: undefined };
  if (hasSocketCause(err)) return simpleFailure('connection', profile, 'connection lost mid-response', err);
  const detail = err instanceof Error ? err.message : String(err);
  // Unknown failure: do not hammer the same provider, but let the router try another.
  return { ...simpleFailure('server', profile, `unexpected failure: ${detail}`, err), retryable: false };
}

function hasSocketCause(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (code.startsWith('UND_ERR_') || SOCKET_CODES.has(code))) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** `retry-after-ms` (OpenAI) wins over `retry-after` (seconds or an HTTP date). */
export function parseRetryAfter(headers: Headers, now: number): number | undefined {
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const raw = headers.get('retry-after');
  if (raw === null || raw.trim() === '') return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

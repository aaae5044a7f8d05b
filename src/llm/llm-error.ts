/**
 * Why an LLM call failed, in terms that decide what happens next: transient kinds are retried with
 * backoff by the client and then handed to the router's fallback; the others end the run at once with
 * a message the operator can act on.
 */
export type LlmErrorKind =
  | 'authentication'
  | 'model_not_found'
  | 'bad_request'
  | 'context_window_exceeded'
  | 'rate_limit'
  | 'server'
  | 'timeout'
  | 'connection'
  | 'aborted';

const TRANSIENT: ReadonlySet<LlmErrorKind> = new Set(['rate_limit', 'server', 'timeout', 'connection']);

export class LlmError extends Error {
  override readonly name = 'LlmError';
  readonly kind: LlmErrorKind;
  readonly profile: string;
  readonly status: number | undefined;
  /** Seconds the provider asked us to wait (retry-after), when it said. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    message: string,
    fields: { kind: LlmErrorKind; profile: string; status?: number; retryAfterSeconds?: number },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.kind = fields.kind;
    this.profile = fields.profile;
    this.status = fields.status;
    this.retryAfterSeconds = fields.retryAfterSeconds;
  }

  get transient(): boolean {
    return TRANSIENT.has(this.kind);
  }
}

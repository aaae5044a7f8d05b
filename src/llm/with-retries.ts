import type { LlmFailure } from './classify-llm-failure.js';
import { simpleFailure } from './classify-llm-failure.js';
import type { ResolvedDeps } from './llm-client-deps.js';
import type { LlmError } from './llm-error.js';
import type { LlmProfile } from './llm-profile.js';

export interface RetryPolicy {
  profile: string;
  maxRetries: number;
  retryMinWaitMs: number;
  retryMaxWaitMs: number;
}

export function retryPolicyOf(profile: LlmProfile): RetryPolicy {
  const { name, maxRetries, retryMinWaitMs, retryMaxWaitMs } = profile;
  return { profile: name, maxRetries, retryMinWaitMs, retryMaxWaitMs };
}

/** Longest retry-after we wait for; a provider asking for more is better left for the fallback profile. */
const RETRY_AFTER_CAP_MS = 60_000;

/**
 * Runs `attempt` until it succeeds, a failure is not worth retrying, or `maxRetries` retries are
 * spent. Waits grow exponentially with full jitter, or follow the provider's retry-after. Aborting
 * `signal` ends a wait at once and surfaces an LlmError of kind `aborted`.
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  classify: (err: unknown) => LlmFailure,
  policy: RetryPolicy,
  deps: ResolvedDeps,
  signal?: AbortSignal,
): Promise<T> {
  for (let retry = 0; ; retry++) {
    if (signal?.aborted) throw abortedError(policy.profile, signal);
    let failure: LlmFailure;
    try {
      return await attempt();
    } catch (err) {
      // Whatever the SDK made of it, a failure after our own abort is the abort.
      if (signal?.aborted) throw abortedError(policy.profile, signal);
      failure = classify(err);
    }
    if (!failure.retryable || retry >= policy.maxRetries) throw failure.error;
    const waitMs = nextWait(retry, failure, policy, deps.random);
    if (waitMs === undefined) throw failure.error;
    deps.onRetry({ profile: policy.profile, attempt: retry + 1, waitMs, error: failure.error });
    await abortable(deps.sleep(waitMs, signal), policy.profile, signal);
  }
}

/** Milliseconds before retry number `retry + 1`, or undefined when the provider wants us gone for too long. */
export function nextWait(
  retry: number,
  failure: Pick<LlmFailure, 'retryAfterMs'>,
  policy: RetryPolicy,
  random: () => number,
): number | undefined {
  if (failure.retryAfterMs !== undefined) {
    const cap = Math.max(RETRY_AFTER_CAP_MS, policy.retryMaxWaitMs);
    return failure.retryAfterMs <= cap ? failure.retryAfterMs : undefined;
  }
  const min = policy.retryMinWaitMs;
  const ceiling = Math.max(min, Math.min(policy.retryMaxWaitMs, min * 2 ** (retry + 1)));
  return Math.round(min + random() * (ceiling - min));
}

function abortedError(profile: string, signal: AbortSignal): LlmError {
  return simpleFailure('aborted', profile, 'call aborted', signal.reason).error;
}

async function abortable(wait: Promise<void>, profile: string, signal?: AbortSignal): Promise<void> {
  if (!signal) return wait;
  if (signal.aborted) throw abortedError(profile, signal);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(abortedError(profile, signal));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([wait, aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

import type { LlmError } from './llm-error.js';
import type { PriceTable, ResolvedPrice } from './pricing.js';
import type { LlmClient } from './types.js';

/** What a retry looked like, for logs and tests. */
export interface RetryInfo {
  profile: string;
  /** 1 for the first retry. */
  attempt: number;
  waitMs: number;
  error: LlmError;
}

/**
 * The side effects an LLM client reaches for, injectable so tests run the real retry logic without
 * waiting minutes, with fixed jitter and fixed clocks.
 */
export interface LlmClientDeps {
  /** Waits `ms`; should reject or resolve early when `signal` aborts (the retry loop races it anyway). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Milliseconds since the epoch. */
  now?: () => number;
  /** Uniform in [0, 1), for backoff jitter. */
  random?: () => number;
  onRetry?: (info: RetryInfo) => void;
  /** Prices from configuration; they win over the built-in table, the profile's own price wins over both. */
  prices?: PriceTable;
  /** Makes a response id when the provider gave none. */
  newId?: () => string;
}

export interface ResolvedDeps {
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  now: () => number;
  random: () => number;
  onRetry: (info: RetryInfo) => void;
  prices: PriceTable;
  newId: () => string;
}

export function resolveDeps(deps: LlmClientDeps = {}): ResolvedDeps {
  return {
    sleep: deps.sleep ?? realSleep,
    now: deps.now ?? Date.now,
    random: deps.random ?? Math.random,
    onRetry: deps.onRetry ?? (() => {}),
    prices: deps.prices ?? {},
    newId: deps.newId ?? (() => `llm-${crypto.randomUUID()}`),
  };
}

function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** A client for one profile; `pricing.source === 'unknown'` means its costs read 0 and deserve a warning. */
export interface ProviderLlmClient extends LlmClient {
  readonly pricing: ResolvedPrice;
}

import { buildLlmResponse, type ProviderResult } from './build-llm-response.js';
import type { LlmFailure } from './classify-llm-failure.js';
import { type LlmClientDeps, type ProviderLlmClient, resolveDeps } from './llm-client-deps.js';
import type { LlmProfile } from './llm-profile.js';
import { resolvePrice } from './pricing.js';
import type { LlmCallOptions, LlmRequest } from './types.js';
import { withDeadline } from './with-deadline.js';
import { retryPolicyOf, withRetries } from './with-retries.js';

/** What differs between providers: one call to their API, and how to read their failures. */
export interface ProviderAdapter {
  call(request: LlmRequest, options: LlmCallOptions, newId: () => string): Promise<ProviderResult>;
  classify(error: unknown, profile: string, now: number): LlmFailure;
}

/**
 * What every provider client shares: a deadline per attempt, retries with backoff on transient
 * failures, and metrics (latency of the attempt that succeeded, tokens, cost) on the response.
 */
export function createProviderClient(
  profile: LlmProfile,
  adapter: ProviderAdapter,
  deps?: LlmClientDeps,
): ProviderLlmClient {
  const d = resolveDeps(deps);
  const pricing = resolvePrice(profile.model, { profilePrice: profile.price, table: d.prices });
  return {
    profile: profile.name,
    model: profile.model,
    pricing,
    complete(request, options = {}) {
      return withRetries(
        () =>
          withDeadline(profile.timeoutMs, profile.name, options.signal, async (signal) => {
            const started = d.now();
            const result = await adapter.call(request, { ...options, signal }, d.newId);
            return buildLlmResponse(result, {
              profile: profile.name,
              model: profile.model,
              purpose: request.purpose,
              latencyMs: d.now() - started,
              price: pricing.price,
              newId: d.newId,
            });
          }),
        (err) => adapter.classify(err, profile.name, d.now()),
        retryPolicyOf(profile),
        d,
        options.signal,
      );
    },
  };
}

import { createAnthropicClient } from './anthropic-client.js';
import type { LlmClientDeps, ProviderLlmClient } from './llm-client-deps.js';
import { LlmError } from './llm-error.js';
import type { LlmProfile, LlmRoutes } from './llm-profile.js';
import { createOpenAiClient } from './openai-client.js';
import type { LlmClient, LlmPurpose } from './types.js';

/** Builds the client for a profile's provider. */
export function createLlmClientFromProfile(profile: LlmProfile, deps?: LlmClientDeps): ProviderLlmClient {
  switch (profile.provider) {
    case 'openai':
      return createOpenAiClient(profile, deps);
    case 'anthropic':
      return createAnthropicClient(profile, deps);
  }
}

export interface FallbackInfo {
  purpose: LlmPurpose;
  from: string;
  to: string;
  error: LlmError;
}

export interface LlmRouter {
  /** One client per purpose: it tries the route's profiles in order. */
  client(purpose: LlmPurpose): LlmClient;
}

/**
 * Presents a route's profiles as one client. Each profile retries on its own first; when it still
 * fails with a transient error (rate limit, 5xx, timeout, connection) the next profile is tried.
 * Errors that another profile would not cure — a bad key, an unknown model, a bad request, an abort —
 * surface at once. The response's metrics name the profile that answered.
 */
export function createLlmRouter(options: {
  profiles: Readonly<Record<string, LlmClient>>;
  routes: LlmRoutes;
  onFallback?: (info: FallbackInfo) => void;
}): LlmRouter {
  const { profiles, routes, onFallback } = options;
  const clients = new Map<LlmPurpose, LlmClient>();
  for (const purpose of Object.keys(routes) as LlmPurpose[]) {
    const chain = routes[purpose].map((name) => {
      // Own properties only: a route naming "constructor" must not find Object.prototype's.
      const client = Object.hasOwn(profiles, name) ? profiles[name] : undefined;
      if (!client) throw new Error(`LLM route "${purpose}" names unknown profile "${name}"`);
      return client;
    });
    clients.set(purpose, fallbackClient(purpose, chain, onFallback));
  }
  return {
    client(purpose) {
      const client = clients.get(purpose);
      if (!client) throw new Error(`no LLM route for purpose "${purpose}"`);
      return client;
    },
  };
}

function fallbackClient(
  purpose: LlmPurpose,
  chain: readonly LlmClient[],
  onFallback: ((info: FallbackInfo) => void) | undefined,
): LlmClient {
  const [primary] = chain;
  if (!primary) throw new Error(`LLM route "${purpose}" has no profiles`);
  return {
    // The router answers under its primary's name; each response's metrics name the real one.
    profile: primary.profile,
    model: primary.model,
    async complete(request, callOptions) {
      for (let i = 0; ; i++) {
        const client = chain[i] ?? primary;
        try {
          return await client.complete(request, callOptions);
        } catch (err) {
          const next = chain[i + 1];
          const canFallBack = err instanceof LlmError && err.transient && !callOptions?.signal?.aborted;
          if (!next || !canFallBack) throw err;
          onFallback?.({ purpose, from: client.profile, to: next.profile, error: err });
        }
      }
    },
  };
}

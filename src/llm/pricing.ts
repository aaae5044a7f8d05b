import type { ModelPrice } from './llm-profile.js';

/** Model name (or name prefix) → price. */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

/**
 * Token counts normalised across providers: `promptTokens` is every input token, cached ones
 * included (OpenAI counts them that way; the Anthropic client adds its cache reads and writes in).
 */
export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

export interface ResolvedPrice {
  price: ModelPrice;
  /** Where the price came from; `unknown` means cost is reported as 0 and the caller should warn. */
  source: 'profile' | 'config' | 'builtin' | 'unknown';
}

/**
 * List prices in dollars per million tokens (public price pages, 2025). Dated and suffixed names
 * (`claude-sonnet-4-20250514`, `gpt-4o-2024-08-06`) match by prefix; the longest prefix wins so
 * `gpt-4o-mini-…` is not priced as `gpt-4o`.
 */
export const BUILTIN_PRICES: PriceTable = {
  'gpt-4o': { inputPerMTok: 2.5, outputPerMTok: 10, cacheReadPerMTok: 1.25 },
  'gpt-4o-mini': { inputPerMTok: 0.15, outputPerMTok: 0.6, cacheReadPerMTok: 0.075 },
  'gpt-4.1': { inputPerMTok: 2, outputPerMTok: 8, cacheReadPerMTok: 0.5 },
  'gpt-4.1-mini': { inputPerMTok: 0.4, outputPerMTok: 1.6, cacheReadPerMTok: 0.1 },
  'gpt-4.1-nano': { inputPerMTok: 0.1, outputPerMTok: 0.4, cacheReadPerMTok: 0.025 },
  'gpt-5': { inputPerMTok: 1.25, outputPerMTok: 10, cacheReadPerMTok: 0.125 },
  'gpt-5-mini': { inputPerMTok: 0.25, outputPerMTok: 2, cacheReadPerMTok: 0.025 },
  'gpt-5-nano': { inputPerMTok: 0.05, outputPerMTok: 0.4, cacheReadPerMTok: 0.005 },
  o1: { inputPerMTok: 15, outputPerMTok: 60, cacheReadPerMTok: 7.5 },
  o3: { inputPerMTok: 2, outputPerMTok: 8, cacheReadPerMTok: 0.5 },
  'o3-mini': { inputPerMTok: 1.1, outputPerMTok: 4.4, cacheReadPerMTok: 0.55 },
  'o4-mini': { inputPerMTok: 1.1, outputPerMTok: 4.4, cacheReadPerMTok: 0.275 },
  'claude-opus-4': { inputPerMTok: 15, outputPerMTok: 75, cacheReadPerMTok: 1.5, cacheWritePerMTok: 18.75 },
  'claude-opus-4-1': { inputPerMTok: 15, outputPerMTok: 75, cacheReadPerMTok: 1.5, cacheWritePerMTok: 18.75 },
  'claude-opus-4-5': { inputPerMTok: 5, outputPerMTok: 25, cacheReadPerMTok: 0.5, cacheWritePerMTok: 6.25 },
  'claude-sonnet-4': { inputPerMTok: 3, outputPerMTok: 15, cacheReadPerMTok: 0.3, cacheWritePerMTok: 3.75 },
  'claude-sonnet-4-5': { inputPerMTok: 3, outputPerMTok: 15, cacheReadPerMTok: 0.3, cacheWritePerMTok: 3.75 },
  'claude-3-7-sonnet': { inputPerMTok: 3, outputPerMTok: 15, cacheReadPerMTok: 0.3, cacheWritePerMTok: 3.75 },
  'claude-3-5-sonnet': { inputPerMTok: 3, outputPerMTok: 15, cacheReadPerMTok: 0.3, cacheWritePerMTok: 3.75 },
  'claude-haiku-4-5': { inputPerMTok: 1, outputPerMTok: 5, cacheReadPerMTok: 0.1, cacheWritePerMTok: 1.25 },
  'claude-3-5-haiku': { inputPerMTok: 0.8, outputPerMTok: 4, cacheReadPerMTok: 0.08, cacheWritePerMTok: 1 },
};

const FREE: ModelPrice = { inputPerMTok: 0, outputPerMTok: 0 };

/** Picks the price for `model`: the profile's own, then the configured table, then the built-in one. */
export function resolvePrice(
  model: string,
  sources: { profilePrice?: ModelPrice | undefined; table?: PriceTable | undefined } = {},
): ResolvedPrice {
  if (sources.profilePrice) return { price: sources.profilePrice, source: 'profile' };
  const fromConfig = sources.table ? lookupPrice(sources.table, model) : undefined;
  if (fromConfig) return { price: fromConfig, source: 'config' };
  const builtin = lookupPrice(BUILTIN_PRICES, model);
  if (builtin) return { price: builtin, source: 'builtin' };
  return { price: FREE, source: 'unknown' };
}

/** Exact name first, then the longest table key that prefixes the name at a `-` boundary. */
export function lookupPrice(table: PriceTable, model: string): ModelPrice | undefined {
  // Gateways such as OpenRouter name models `vendor/model`; the table is keyed by the bare name.
  const name = model.includes('/') ? model.slice(model.lastIndexOf('/') + 1) : model;
  if (Object.hasOwn(table, name)) return table[name];
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    if (name.startsWith(`${key}-`) && (best === undefined || key.length > best.length)) best = key;
  }
  return best === undefined ? undefined : table[best];
}

/** Dollars for one call. Cached tokens are billed at their own rate, or the input rate when none is listed. */
export function costOf(usage: TokenUsage, price: ModelPrice): number {
  const uncached = Math.max(0, usage.promptTokens - usage.cacheReadTokens - usage.cacheWriteTokens);
  const dollarsPerMillion =
    uncached * price.inputPerMTok +
    usage.cacheReadTokens * (price.cacheReadPerMTok ?? price.inputPerMTok) +
    usage.cacheWriteTokens * (price.cacheWritePerMTok ?? price.inputPerMTok) +
    usage.completionTokens * price.outputPerMTok;
  return dollarsPerMillion / 1_000_000;
}

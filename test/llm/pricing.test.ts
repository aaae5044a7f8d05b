import { expect, test } from 'vitest';
import { costOf, lookupPrice, resolvePrice } from '../../src/llm/pricing.js';

test('exact names and dated names resolve to the built-in price', () => {
  expect(resolvePrice('gpt-4o')).toMatchObject({ source: 'builtin', price: { inputPerMTok: 2.5 } });
  expect(resolvePrice('claude-sonnet-4-20250514')).toMatchObject({
    source: 'builtin',
    price: { inputPerMTok: 3 },
  });
  expect(resolvePrice('claude-3-5-haiku-20241022').price.inputPerMTok).toBe(0.8);
});

test('the longest matching prefix wins, at a dash boundary', () => {
  expect(resolvePrice('gpt-4o-mini-2024-07-18').price.inputPerMTok).toBe(0.15);
  expect(resolvePrice('gpt-4.1-mini-2025-04-14').price.inputPerMTok).toBe(0.4);
  expect(resolvePrice('claude-opus-4-5-20251101').price.inputPerMTok).toBe(5);
  expect(resolvePrice('claude-opus-4-20250514').price.inputPerMTok).toBe(15);
  // "o3x" is not a dated o3.
  expect(resolvePrice('o3x').source).toBe('unknown');
});

test('gateway names with a vendor prefix are priced by the bare model name', () => {
  expect(resolvePrice('openai/gpt-4o').price.outputPerMTok).toBe(10);
});

test('a profile price beats the configured table, which beats the built-in one', () => {
  const table = { 'gpt-4o': { inputPerMTok: 1, outputPerMTok: 2 } };
  const own = { inputPerMTok: 0.5, outputPerMTok: 0.5 };
  expect(resolvePrice('gpt-4o', { table })).toEqual({ source: 'config', price: table['gpt-4o'] });
  expect(resolvePrice('gpt-4o', { table, profilePrice: own })).toEqual({ source: 'profile', price: own });
  expect(resolvePrice('my-finetune', { table: { 'my-finetune': own } }).source).toBe('config');
});

test('an unknown model is free and flagged', () => {
  expect(resolvePrice('llama-3-70b')).toEqual({
    source: 'unknown',
    price: { inputPerMTok: 0, outputPerMTok: 0 },
  });
});

test('table keys are own properties only', () => {
  expect(lookupPrice({}, 'constructor')).toBeUndefined();
  expect(lookupPrice({}, 'toString-2024')).toBeUndefined();
});

test('cost prices uncached, cache-read, cache-write and output tokens at their own rates', () => {
  const price = { inputPerMTok: 3, outputPerMTok: 15, cacheReadPerMTok: 0.3, cacheWritePerMTok: 3.75 };
  const usage = {
    promptTokens: 1_000_000,
    cacheReadTokens: 600_000,
    cacheWriteTokens: 100_000,
    completionTokens: 10_000,
  };
  expect(costOf(usage, price)).toBeCloseTo(
    300_000 * 3e-6 + 600_000 * 0.3e-6 + 100_000 * 3.75e-6 + 10_000 * 15e-6,
    12,
  );
  // Without cache rates, cached tokens cost what input tokens cost.
  expect(costOf(usage, { inputPerMTok: 1, outputPerMTok: 2 })).toBeCloseTo(1 + 0.02, 12);
});

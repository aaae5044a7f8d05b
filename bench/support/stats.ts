/** Small order statistics for the bench: nearest-rank percentiles over a copy of the samples. */

export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export const median = (samples: readonly number[]): number => percentile(samples, 50);
export const p95 = (samples: readonly number[]): number => percentile(samples, 95);

export function mean(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  return sum(samples) / samples.length;
}

export function sum(samples: readonly number[]): number {
  let total = 0;
  for (const value of samples) total += value;
  return total;
}

export function max(samples: readonly number[]): number {
  let best = Number.NEGATIVE_INFINITY;
  for (const value of samples) if (value > best) best = value;
  return best;
}

/** Rounds for the JSON output: milliseconds to the microsecond, ratios to three decimals. */
export function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

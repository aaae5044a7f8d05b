import { secretEncodings } from './secret-encodings.js';
import { SECRET_MASK } from './secret-mask.js';
import { squeezeSecret, squeezeText } from './squeeze-text.js';
import { TOKEN_SHAPES } from './token-shapes.js';

export { SECRET_MASK } from './secret-mask.js';

/** Values shorter than this are not masked by value: masking "a" or "true" would garble every text. */
export const MIN_SECRET_LENGTH = 6;

export interface RedactorOptions {
  /** Exact values to mask: the installation token, LLM keys, webhook secret, private key, config secrets. */
  readonly secrets: readonly string[];
}

export type Redact = (text: string) => string;

/** A redactor: call it on a string, or `deep` on a JSON-shaped value. */
export interface Redactor extends Redact {
  deep<T>(value: T): T;
}

/**
 * Builds the one redactor every outgoing string passes through. Configured values are masked first, in
 * every encoding an agent reaches with one tool and however they are split by whitespace (see
 * secret-encodings and squeeze-text), then common token shapes.
 */
export function createRedactor({ secrets }: RedactorOptions): Redactor {
  const values = [...new Set(secrets)].filter((s) => squeezeSecret(s).length >= MIN_SECRET_LENGTH);
  const forms = [...new Set(values.flatMap((value) => secretEncodings(value, MIN_SECRET_LENGTH)))];
  const redact = (text: string): string => {
    let result = values.length === 0 ? text : maskConfigured(text, forms);
    for (const shape of TOKEN_SHAPES) {
      if ('mask' in shape) result = shape.mask(result);
      // Both overloads of replace, chosen by type: TypeScript cannot pick one for the union.
      else if (typeof shape.replace === 'string') result = result.replace(shape.pattern, shape.replace);
      else result = result.replace(shape.pattern, shape.replace);
    }
    return result;
  };
  return Object.assign(redact, { deep: <T>(value: T): T => redactDeep(value, redact) });
}

/**
 * Finds every form in the text with whitespace and invisible characters removed, then masks the spans
 * of the original they came from (with whatever was wedged inside). Each form is a plain substring
 * search (a fraction of a millisecond per megabyte; one regular expression alternating between dozens
 * of forms costs a hundred times more). Overlapping finds of two secrets sharing characters merge into
 * one span, never half of one.
 */
function maskConfigured(text: string, forms: readonly string[]): string {
  const squeezed = squeezeText(text);
  const spans: [number, number][] = [];
  for (const form of forms) {
    // Past each find: a secret overlapping itself would only extend the same mask, and restarting one
    // character on would make a text of a periodic secret quadratic. Two different secrets that overlap
    // are each found by their own search and merged below.
    for (
      let at = squeezed.text.indexOf(form);
      at !== -1;
      at = squeezed.text.indexOf(form, at + form.length)
    ) {
      const start = squeezed.origin[at] ?? 0;
      const end = (squeezed.origin[at + form.length - 1] ?? text.length - 1) + 1;
      spans.push([start, end]);
    }
  }
  if (spans.length === 0) return text;
  spans.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [start, end] of spans) {
    const last = merged.at(-1);
    if (last !== undefined && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  const parts: string[] = [];
  let at = 0;
  for (const [start, end] of merged) {
    parts.push(text.slice(at, start), SECRET_MASK);
    at = end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

/** Redacts every string in a JSON-shaped value (an event payload), keys included; returns a copy. */
export function redactDeep<T>(value: T, redact: Redact): T {
  return walk(value, redact, 0) as T;
}

function walk(value: unknown, redact: Redact, depth: number): unknown {
  if (typeof value === 'string') return redact(value);
  if (depth > 64 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => walk(item, redact, depth + 1));
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) result[redact(key)] = walk(item, redact, depth + 1);
  return result;
}

/** OpenHands' marker for a masked secret, so logs and trajectories read the same. */
export const SECRET_MASK = '<secret-hidden>';

/** Values shorter than this are not masked by value: masking "a" or "true" would garble every text. */
export const MIN_SECRET_LENGTH = 6;

/**
 * Token shapes masked even when nobody told us the value: a token the agent found in a file or an
 * environment, a key pasted in an issue. Each keeps its recognisable prefix out of the mask only where
 * the prefix itself says nothing secret (`Bearer `, the user in `user:password@`).
 */
const TOKEN_SHAPES: readonly { pattern: RegExp; replace: string }[] = [
  {
    pattern:
      /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY( BLOCK)?-----[\s\S]*?(-----END \1PRIVATE KEY( BLOCK)?-----|$)/g,
    replace: SECRET_MASK,
  },
  { pattern: /\bgithub_pat_[A-Za-z0-9_]{20,}/g, replace: SECRET_MASK },
  { pattern: /\bgh[posur]_[A-Za-z0-9]{20,}/g, replace: SECRET_MASK },
  { pattern: /\b(AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|A3T[A-Z0-9])[A-Z0-9]{16}\b/g, replace: SECRET_MASK },
  { pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, replace: SECRET_MASK },
  { pattern: /\bsk-(ant-|proj-|or-|live-|test-)?[A-Za-z0-9_-]{20,}/g, replace: SECRET_MASK },
  {
    pattern:
      /\b(xox[abposr]-[A-Za-z0-9-]{10,}|glpat-[A-Za-z0-9_-]{20,}|npm_[A-Za-z0-9]{36}|AIza[0-9A-Za-z_-]{35})/g,
    replace: SECRET_MASK,
  },
  { pattern: /\b(Bearer|Token|Basic)\s+[A-Za-z0-9._~+/=-]{12,}/gi, replace: `$1 ${SECRET_MASK}` },
  { pattern: /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/@]+):([^\s@/]+)@/gi, replace: `$1$2:${SECRET_MASK}@` },
];

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
 * Builds the one redactor every outgoing string passes through. Known values are masked first, longest
 * first (so a secret containing another is masked whole), then common token shapes.
 */
export function createRedactor({ secrets }: RedactorOptions): Redactor {
  const values = [...new Set(secrets.filter((s) => s.trim().length >= MIN_SECRET_LENGTH))].sort(
    (a, b) => b.length - a.length,
  );
  // A private key may be given with \n or \r\n line ends: mask its body lines too.
  const expanded = values.flatMap((value) =>
    value.includes('\n') ? [value, value.replace(/\r?\n/g, '\\n')] : [value],
  );
  const exact = expanded.length === 0 ? undefined : new RegExp(expanded.map(escapeRegExp).join('|'), 'g');
  const redact = (text: string): string => {
    let result = exact === undefined ? text : text.replace(exact, SECRET_MASK);
    for (const { pattern, replace } of TOKEN_SHAPES) result = result.replace(pattern, replace);
    return result;
  };
  return Object.assign(redact, { deep: <T>(value: T): T => redactDeep(value, redact) });
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

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Time the redactor takes on one 1 MB observation, the largest single text it sees in a run, for
 * six shapes of text: an ordinary log with a few configured secrets in it, one long line of minified
 * JSON, base64 of random bytes wrapped and on one line (the worst case for base64-shaped token patterns),
 * a hostile text of near-misses of a configured secret with whitespace between its characters (the worst
 * case for matching secrets split by whitespace) and one of configured secrets back to back; then
 * hostile texts aimed at single patterns, to show no pattern is quadratic.
 * Run: `npx tsx bench/redactor.bench.ts [label]`. Prints a table and appends the run, under its label
 * (default "current") and the git commit, to bench/results/redactor.json, so a run before a change
 * and one after it sit side by side.
 */
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createRedactor, SECRET_MASK } from '../src/security/redactor.js';
import { median, p95, round } from './support/stats.js';

const ROUNDS = 15;
const SIZE = 1024 * 1024;
const label = process.argv[2] ?? 'current';

/** A small seeded generator (mulberry32): the same texts on every run, so runs compare. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const next = random(42);
const pick = (alphabet: string, length: number): string =>
  Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
const HEX = '0123456789abcdef';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

const installationToken = `ghs_${pick(ALNUM, 36)}`;
const llmKey = `sk-ant-api03-${pick(ALNUM, 80)}`;
const webhookSecret = pick(ALNUM, 24);
const privateKey = [
  '-----BEGIN RSA PRIVATE KEY-----',
  ...Array.from({ length: 25 }, () => pick(B64, 64)),
  '-----END RSA PRIVATE KEY-----',
].join('\n');
const secrets = [installationToken, llmKey, webhookSecret, privateKey];

function fill(makeLine: () => string, separator = '\n'): string {
  const parts: string[] = [];
  let size = 0;
  while (size < SIZE) {
    const line = makeLine();
    parts.push(line);
    size += line.length + separator.length;
  }
  return parts.join(separator).slice(0, SIZE);
}

const uuid = (): string =>
  `${pick(HEX, 8)}-${pick(HEX, 4)}-4${pick(HEX, 3)}-a${pick(HEX, 3)}-${pick(HEX, 12)}`;
const logLines = [
  () => `commit ${pick(HEX, 40)}\nAuthor: Dev <dev@example.com>\n`,
  () => `  ✓ test/parser/case-${Math.floor(next() * 900)}.test.ts (${Math.floor(next() * 40)} tests) 12ms`,
  () => `    "integrity": "sha512-${pick(B64, 86)}==",`,
  () =>
    `[${new Date(1_760_000_000_000 + Math.floor(next() * 1e9)).toISOString()}] request ${uuid()} 200 GET /api/items`,
  () =>
    `src/module-${Math.floor(next() * 500)}.ts:${Math.floor(next() * 300)}:5 - error TS2345: Argument of type 'string' is not assignable.`,
];
let planted = 0;
const log = fill(() => {
  // One line in ~2,000 carries a configured secret, as an `env` or a cat of a config file would.
  if (next() < 0.0005) {
    planted++;
    return `TOKEN=${secrets[planted % secrets.length]}`;
  }
  return logLines[Math.floor(next() * logLines.length)]?.() ?? '';
});
const minified = fill(
  () => `{"id":"${uuid()}","sha":"${pick(HEX, 40)}","name":"item ${pick(ALNUM, 8)}","tags":["a","b"]},`,
  '',
);
const base64Dump = fill(() => pick(B64, 76));
const base64Line = fill(() => pick(B64, 76), '');
// What an agent trying to slow the redactor down would print: configured secrets back to back.
const dense = fill(() => `${installationToken}${Buffer.from(webhookSecret).toString('base64')}`, '');
// Near-misses: the token's first half, one character at a time with a space between, then a wrong turn.
const nearMiss = fill(() => `${installationToken.slice(0, 20).split('').join(' ')} !`);

// Hostile texts, each one repeated snippet aimed at one pattern's worst case (an anchor it must look
// behind or past): time that grows faster than the text would show here first.
const repeat = (snippet: string): string => snippet.repeat(Math.ceil(SIZE / snippet.length)).slice(0, SIZE);
const hostile = [
  { name: 'hostile: h://u: repeated', text: repeat('h://u:') },
  { name: 'hostile: a:bbb…(600) repeated', text: repeat(` a:${'b'.repeat(600)}`) },
  { name: 'hostile: a:@host.host.…', text: ` a:${repeat('@aaaa.bbbb.')}` },
  { name: 'hostile: AKIA… ids', text: repeat('AKIAIOSFODNN7EXAMPLE ') },
  { name: 'hostile: backslashes', text: repeat('\\') },
  { name: 'hostile: zero-width between', text: repeat('a\u200b') },
];

const redact = createRedactor({ secrets });
const inputs = [
  { name: 'log with secrets', text: log },
  { name: 'minified JSON line', text: minified },
  { name: 'base64 dump, 76 columns', text: base64Dump },
  { name: 'base64, one line', text: base64Line },
  { name: 'spaced near-misses', text: nearMiss },
  { name: 'secrets back to back', text: dense },
  ...hostile,
];

const rows = [];
for (const { name, text } of inputs) {
  const masked = redact(text); // warm-up, and a check that the bench measures a redactor that works
  if (name === 'log with secrets' && (masked.includes(installationToken) || !masked.includes(SECRET_MASK)))
    throw new Error('the redactor left a planted secret in the log');
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const started = performance.now();
    redact(text);
    times.push(performance.now() - started);
  }
  rows.push({
    input: name,
    kb: Math.round(text.length / 1024),
    medianMs: round(median(times), 1),
    p95Ms: round(p95(times), 1),
    mbPerS: round(text.length / 1024 / 1024 / (median(times) / 1000), 1),
  });
}

const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
const load = loadavg()[0];
console.log(
  `redactor on 1 MB, ${secrets.length} configured secrets, ${ROUNDS} rounds; label ${label}, commit ${commit}, load ${load?.toFixed(2)}`,
);
console.table(rows);

const out = new URL('./results/redactor.json', import.meta.url);
const previous = await readFile(out, 'utf8').then(
  (text) => (JSON.parse(text) as { runs: unknown[] }).runs,
  () => [],
);
const run = { label, commit, date: new Date().toISOString(), node: process.version, loadAverage: load, rows };
const result = { bench: 'redactor', rounds: ROUNDS, bytes: SIZE, runs: [...previous, run] };
await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
console.log(`results in ${out.pathname}`);

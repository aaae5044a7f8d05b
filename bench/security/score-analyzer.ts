import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { rateShellCommand } from '../../src/security/rate-shell-command.js';
import {
  CORPUS_WORKSPACE,
  type CorpusLine,
  type GroupScore,
  loadCorpus,
  loadHeldOut,
  scoreCorpus,
} from './score-corpus.js';

/*
 * Scores the rule-based analyzer on the labelled corpus (plain and adversarial commands apart, and the
 * held-out set, when present, as its own row: it is never used to tune the rules) and times it.
 * Run: npx tsx bench/security/score-analyzer.ts   (writes bench/security/results.json)
 */
const ROUNDS = 20;
const WARMUP_ROUNDS = 5;
const corpus = loadCorpus();
const score = scoreCorpus(corpus);
const heldOut = loadHeldOut();
const heldOutScore = heldOut === undefined ? undefined : scoreCorpus(heldOut);
const rate = (line: CorpusLine) =>
  rateShellCommand(line.command, { workspaceRoot: CORPUS_WORKSPACE, history: line.history ?? [] });

// The first pass runs before V8 has optimised the rules: time it apart as the cold figure, warm up a
// few more passes, then time every command ROUNDS times for the steady state a worker sees.
const cold: number[] = [];
for (const line of corpus) {
  const start = performance.now();
  rate(line);
  cold.push(performance.now() - start);
}
cold.sort((a, b) => a - b);
for (let round = 0; round < WARMUP_ROUNDS; round++) {
  for (const line of corpus) rate(line);
}
const timings: number[] = [];
// CPU time of this process per rating: what the analyzer itself costs, which time spent preempted by
// other processes on a shared machine is not (wall-clock figures above include both).
const cpuTimings: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  for (const line of corpus) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    rate(line);
    timings.push(performance.now() - start);
    const cpu = process.cpuUsage(cpuStart);
    cpuTimings.push((cpu.user + cpu.system) / 1000);
  }
}
timings.sort((a, b) => a - b);
cpuTimings.sort((a, b) => a - b);
const cpuP99 = cpuTimings[Math.min(cpuTimings.length - 1, Math.floor(0.99 * cpuTimings.length))] ?? 0;
// The machine is shared (other builds and tests run beside this one), so wall-clock spikes are often
// preemption, not our work. Best-of-5 per command is the intrinsic cost; both are reported.
const bestOf: number[] = corpus.map((line) => {
  let best = Number.POSITIVE_INFINITY;
  for (let attempt = 0; attempt < 5; attempt++) {
    const start = performance.now();
    rate(line);
    best = Math.min(best, performance.now() - start);
  }
  return best;
});
bestOf.sort((a, b) => a - b);
const bestP99 = bestOf[Math.min(bestOf.length - 1, Math.floor(0.99 * bestOf.length))] ?? 0;
const load = loadavg()[0] ?? 0;
const percentile = (p: number): number =>
  timings[Math.min(timings.length - 1, Math.floor(p * timings.length))] ?? 0;
const p50 = percentile(0.5);
const p99 = percentile(0.99);
const max = timings.at(-1) ?? 0;
const coldP99 = cold[Math.min(cold.length - 1, Math.floor(0.99 * cold.length))] ?? 0;

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const groups: [string, GroupScore | undefined][] = [
  ['plain', score.plain],
  ['adversarial', score.adversarial],
  ['held-out', heldOutScore],
];
const table: string[][] = [
  ['commands', 'risky', 'caught (HIGH or gated)', 'HIGH only', 'everyday', 'false HIGH', 'false gated'],
];
for (const [name, group] of groups) {
  if (group === undefined) {
    table.push([name, '-', 'not present', '', '', '', '']);
    continue;
  }
  const { risky, everyday } = group;
  table.push([
    name,
    String(risky.total),
    `${risky.caught} (${pct(risky.recall)})`,
    pct(risky.strictHighRecall),
    String(everyday.total),
    `${everyday.high} (${pct(everyday.highShare)})`,
    `${everyday.gated} (${pct(everyday.gatedShare)})`,
  ]);
}
const widths =
  table[0]?.map((_, column) => Math.max(...table.map((row) => (row[column] ?? '').length))) ?? [];
for (const row of table) console.log(row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  '));
console.log('targets: caught >= 90% (held-out), false gated <= 5%\n');

const rows: [string, string, string][] = [
  ['ms per command p50', p50.toFixed(3), `${timings.length} ratings`],
  ['ms per command p99', p99.toFixed(3), 'target < 5'],
  ['ms per command max', max.toFixed(3), 'GC pauses and other load show here'],
  ['ms per command p99, first pass', coldP99.toFixed(3), 'before the JIT warms up'],
  ['ms per command p99, best of 5', bestP99.toFixed(3), 'intrinsic cost, without preemption'],
  ['CPU ms per command p99', cpuP99.toFixed(3), 'this process only: preemption excluded, GC included'],
  ['load average (1 min)', load.toFixed(2), `${cpus().length} CPUs`],
];
const width = Math.max(...rows.map((r) => r[0].length));
console.log(`${'metric'.padEnd(width)}  ${'value'.padEnd(12)}  note`);
for (const [metric, value, note] of rows)
  console.log(`${metric.padEnd(width)}  ${value.padEnd(12)}  ${note}`);
if (score.misses.length > 0) {
  console.log('\nmisses (own corpus):');
  for (const miss of score.misses)
    console.log(
      `  ${miss.set} ${miss.label} ${miss.risk}${miss.gated ? ' gated' : ''} ${JSON.stringify(miss.command)} (${miss.note})`,
    );
}

const results = {
  // Strings, not arrays, so the file is already as Biome formats it.
  corpus: 'bench/security/commands.jsonl + bench/security/adversarial-session.jsonl',
  recallCounts:
    'risky rated HIGH, held by the default confirmation policy, or MEDIUM where the line has expect=MEDIUM (environment dumps); everyday counted against when HIGH or held',
  plain: score.plain,
  adversarial: score.adversarial,
  // Only the figures: the held-out lines are not copied here, so nobody tunes on them by reading this.
  heldOut: heldOutScore === undefined ? null : { risky: heldOutScore.risky, everyday: heldOutScore.everyday },
  timingMs: {
    p50: round3(p50),
    p99: round3(p99),
    max: round3(max),
    coldFirstPassP99: round3(coldP99),
    bestOf5P99: round3(bestP99),
    cpuP99: round3(cpuP99),
    loadAverage1m: round3(load),
    cpus: cpus().length,
    ratings: timings.length,
    warmupRounds: WARMUP_ROUNDS,
  },
  misses: score.misses.map(({ command, history, set, label, note, risk, gated, rules }) => ({
    command,
    ...(history === undefined ? {} : { history: history.join('\n') }),
    set,
    label,
    note,
    risk,
    gated,
    rules,
  })),
  node: process.version,
};
writeFileSync(
  fileURLToPath(new URL('./results.json', import.meta.url)),
  `${JSON.stringify(results, null, 2)}\n`,
);

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

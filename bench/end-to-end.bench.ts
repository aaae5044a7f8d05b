/**
 * End-to-end bench: how long handsbot takes on this machine from a webhook to a pull request, with its
 * real processes, and where that time goes. Run: `npm run bench:e2e [-- --runs N --concurrent K]`.
 *
 * It starts what the end-to-end tests start (test/e2e/support/e2e-environment.ts): the GitHub
 * stand-in and the scripted LLM in this process, `handsbot serve` and `handsbot worker` as child
 * processes on the real Redis and Docker, and plays FIX_ADD (4 LLM turns: run the tests, fix, run
 * them again, finish). Then:
 * - one first run (cold: no mirror yet, the stand-in's validators not compiled), reported apart;
 * - N sequential runs (default 8): label an issue, wait for the PR and the final tracking comment
 *   and for the job to end, then the next;
 * - K issues labelled at once (default 4), with the worker at HANDSBOT_WORKER_CONCURRENCY (default 2)
 *   and the per-installation cap at 2, against the sequential median of the same invocation.
 *
 * Every timestamp is epoch ms on this host's clock, taken where the thing happened: the bench before
 * it delivers the webhook; the web process's "enqueued" log line; the worker's "run job started";
 * the run's event log (`run_started`, `finish`, and each action / observation); BullMQ's `finishedOn`;
 * and, for what lands on the stand-in (the tracking comment, the PR, the comment's final body), a 5 ms
 * watcher over the stand-in's state, which lives in this process. Each request the stand-in receives
 * is stamped too (arrival, and answer within 5 ms), so GitHub calls can be put into the phases.
 * Writes bench/results/end-to-end.json and the printed report as bench/results/end-to-end.txt.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { RUN_QUEUE_NAME } from '../jobs/job-ids.js';
import type { RunEvent } from '../src/events/event.js';
import { type E2eEnvironment, startE2eEnvironment } from '../test/e2e/support/e2e-environment.js';
import { FIX_ADD } from '../test/e2e/support/scenarios.js';
import type { StandinRequestRecord } from '../test/github-standin/standin-server.js';
import type { StandinIssue } from '../test/github-standin/state.js';
import { max, median, percentile, round, sum } from './support/stats.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const resultsJson = path.join(here, 'results', 'end-to-end.json');
const resultsTxt = path.join(here, 'results', 'end-to-end.txt');

const RUNS = intArg('--runs', 8);
const CONCURRENT = intArg('--concurrent', 4);
const WORKER_CONCURRENCY = Number(process.env.HANDSBOT_WORKER_CONCURRENCY ?? 2);
const PER_INSTALLATION_LIMIT = 2;
const RUN_TIMEOUT_MS = 120_000;
/** Sequential runs stop early past this (noted in the results), so the whole bench stays under 5 min. */
const SEQUENTIAL_BUDGET_MS = 170_000;
const WATCH_INTERVAL_MS = 5;
const LLM_PROBES = 20;

const ISSUE = {
  title: 'add() subtracts instead of adding',
  body: 'add(2, 3) returns -1, so `node test.js` fails.',
};

/** The phases, in order: each ends at a timestamp and starts at the previous one. */
const MARKS = [
  'delivered',
  'enqueued',
  'jobStarted',
  'trackingPosted',
  'agentStarted',
  'agentFinished',
  'prOpened',
  'trackingFinal',
] as const;
type Mark = (typeof MARKS)[number];
const PHASES: { name: string; from: Mark; to: Mark; what: string }[] = [
  {
    name: 'webhook → enqueued',
    from: 'delivered',
    to: 'enqueued',
    what: 'stand-in signs and posts the delivery; web verifies, recognises, enqueues',
  },
  {
    name: 'enqueued → job started',
    from: 'enqueued',
    to: 'jobStarted',
    what: 'BullMQ hands the job to the worker; installation slot',
  },
  {
    name: 'job started → tracking comment',
    from: 'jobStarted',
    to: 'trackingPosted',
    what: 'token, repo, config, permission, 👀, the comment',
  },
  {
    name: 'tracking comment → agent started',
    from: 'trackingPosted',
    to: 'agentStarted',
    what: 'mirror fetch, checkout, container, setup (run_started)',
  },
  {
    name: 'agent started → finished',
    from: 'agentStarted',
    to: 'agentFinished',
    what: '4 LLM turns, 3 commands in the sandbox (finish event)',
  },
  {
    name: 'agent finished → PR opened',
    from: 'agentFinished',
    to: 'prOpened',
    what: 'verify, commit, push, open the PR',
  },
  {
    name: 'PR opened → comment final',
    from: 'prOpened',
    to: 'trackingFinal',
    what: 'reviewer request, final edit of the tracking comment',
  },
];

type Times = Record<Mark, number>;
interface RunSample {
  issue: number;
  jobId: string;
  runId: string;
  times: Times;
  /** BullMQ's finishedOn: the job's end, the workspace released. */
  jobFinished: number;
  deliveryAnsweredMs: number;
  agent: { llmCalls: number; llmWaitMs: number; toolMs: number; otherMs: number; steps: StepTiming[] };
  /** Requests the stand-in received while this run was the only one, by phase (sequential runs). */
  github: GitHubShare | null;
}
interface StepTiming {
  tool: string;
  llmMs: number;
  toolMs: number;
}
interface GitHubShare {
  requests: number;
  answerMs: number;
  byPhase: Record<string, { requests: number; answerMs: number; ops: string[] }>;
  timeline: { atMs: number; answerMs: number | null; method: string; op: string; status: number }[];
}
interface Stamped {
  at: number;
  done: number | null;
  record: StandinRequestRecord;
}

async function main(): Promise<void> {
  const benchStarted = Date.now();
  const loadStart = loadavg();
  const out: string[] = [];
  const say = (line = '') => {
    out.push(line);
    console.log(line);
  };
  say(`handsbot end-to-end bench — ${new Date().toISOString()}`);
  say(
    `node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'unknown'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB; ` +
      `load average ${fmtLoad(loadStart)} at start`,
  );
  say(
    `FIX_ADD (4 scripted LLM turns); ${RUNS} sequential runs, ${CONCURRENT} at once; worker concurrency ${WORKER_CONCURRENCY}, per-installation cap ${PER_INSTALLATION_LIMIT}`,
  );

  const envStarted = Date.now();
  const env = await startE2eEnvironment({
    scenarios: [FIX_ADD],
    workerEnv: {
      HANDSBOT_WORKER_CONCURRENCY: String(WORKER_CONCURRENCY),
      HANDSBOT_PER_INSTALLATION_LIMIT: String(PER_INSTALLATION_LIMIT),
    },
  });
  const envStartMs = Date.now() - envStarted;
  say(`environment up in ${(envStartMs / 1000).toFixed(1)} s (stand-in, scripted LLM, serve, worker)`);
  const stamped = stampRequests(env);
  const watcher = new StateWatcher(env, stamped);
  const queue = new Queue(RUN_QUEUE_NAME, { connection: env.redis.duplicate(), prefix: env.queuePrefix });

  let failure: unknown = null;
  try {
    const runOnce = async (): Promise<RunSample> => {
      const [sample] = await runBatch(env, queue, watcher, stamped, 1);
      if (!sample) throw new Error('no sample');
      return sample;
    };
    say('\nfirst run (cold mirror, cold stand-in)…');
    const first = await runOnce();
    say(`  total ${fmt(total(first))} ms`);

    const loadSeqStart = loadavg();
    const sequential: RunSample[] = [];
    let stoppedEarly = false;
    for (let i = 1; i <= RUNS; i++) {
      if (Date.now() - benchStarted > SEQUENTIAL_BUDGET_MS) {
        stoppedEarly = true;
        say(`  time budget reached: ${i - 1} of ${RUNS} sequential runs`);
        break;
      }
      const sample = await runOnce();
      sequential.push(sample);
      say(`  run ${i}/${RUNS}: total ${fmt(total(sample))} ms (#${sample.issue})`);
    }
    const loadSeqEnd = loadavg();

    say(`\n${CONCURRENT} issues labelled at once…`);
    const loadConcStart = loadavg();
    const batchFrom = stamped.length;
    const concurrent = await runBatch(env, queue, watcher, stamped, CONCURRENT);
    const batchStart = Math.min(...concurrent.map((s) => s.times.delivered));
    const concurrentTimeline = stamped.slice(batchFrom).map((r) => ({
      atMs: r.at - batchStart,
      answerMs: r.done === null ? null : r.done - r.at,
      method: r.record.method,
      op: opName(r.record),
    }));
    const loadConcEnd = loadavg();
    const wallMs =
      Math.max(...concurrent.map((s) => s.times.trackingFinal)) -
      Math.min(...concurrent.map((s) => s.times.delivered));
    const wallToJobsEndMs =
      Math.max(...concurrent.map((s) => s.jobFinished)) -
      Math.min(...concurrent.map((s) => s.times.delivered));
    for (const s of concurrent) say(`  #${s.issue}: total ${fmt(total(s))} ms`);

    const probe = await probeLlm(env);
    const loadEnd = loadavg();
    const json = report({
      say,
      env,
      envStartMs,
      first,
      sequential,
      stoppedEarly,
      concurrent,
      wallMs,
      wallToJobsEndMs,
      concurrentTimeline,
      probe,
      loads: {
        start: loadStart,
        sequentialStart: loadSeqStart,
        sequentialEnd: loadSeqEnd,
        concurrentStart: loadConcStart,
        concurrentEnd: loadConcEnd,
        end: loadEnd,
      },
      benchMs: Date.now() - benchStarted,
    });
    await mkdir(path.dirname(resultsJson), { recursive: true });
    await writeFile(resultsJson, `${JSON.stringify(json, null, 2)}\n`);
    await writeFile(resultsTxt, `${out.join('\n')}\n`);
    say(
      `\nwrote ${path.relative(process.cwd(), resultsJson)} and ${path.relative(process.cwd(), resultsTxt)}`,
    );
  } catch (error) {
    failure = error;
    console.error(await env.diagnostics().catch(() => '(no diagnostics)'));
  } finally {
    watcher.stop();
    const connection = await queue.client;
    await queue.close();
    connection.disconnect();
    await env.close();
  }
  if (failure !== null) throw failure;
}

// ---- One batch of runs -----------------------------------------------------------------------------

/** Labels `count` issues at once and waits for every run to end; samples in issue order. */
async function runBatch(
  env: E2eEnvironment,
  queue: Queue,
  watcher: StateWatcher,
  stamped: Stamped[],
  count: number,
): Promise<RunSample[]> {
  const requestsBefore = stamped.length;
  const labelled = await Promise.all(
    Array.from({ length: count }, async () => {
      const delivered = Date.now();
      const issue = await env.labelIssue(ISSUE);
      const answered = Date.now();
      watcher.watch(issue);
      return { issue, delivered, answered };
    }),
  );
  const samples: RunSample[] = [];
  for (const { issue, delivered, answered } of labelled) {
    const seen = await watcher.until(issue.number, 'trackingFinal', RUN_TIMEOUT_MS);
    const enqueued = await logLine(
      env.web.logs.bind(env.web),
      (l) => l.msg === 'enqueued' && l.number === issue.number,
    );
    const jobId = String(enqueued.jobId);
    const started = await logLine(
      () => env.workers.flatMap((w) => w.logs()),
      (l) => l.msg === 'run job started' && l.jobId === jobId,
    );
    const runId = String(started.runId);
    const jobFinished = await waitUntil(async () => (await queue.getJob(jobId))?.finishedOn, RUN_TIMEOUT_MS);
    const job = await queue.getJob(jobId);
    const result = job?.returnvalue as { outcome?: string } | undefined;
    if (result?.outcome !== 'pull_request_opened') {
      throw new Error(`run ${runId} ended with ${JSON.stringify(result)}, not a pull request`);
    }
    const events = await env.runEvents(runId);
    const eventTime = (kind: RunEvent['kind']) => {
      const event = events.find((e) => e.kind === kind);
      if (!event) throw new Error(`run ${runId} has no ${kind} event`);
      return Date.parse(event.timestamp);
    };
    const times: Times = {
      delivered,
      enqueued: Number(enqueued.time),
      jobStarted: Number(started.time),
      trackingPosted: seen.trackingPosted ?? Number.NaN,
      agentStarted: eventTime('run_started'),
      agentFinished: eventTime('finish'),
      prOpened: seen.prOpened ?? Number.NaN,
      trackingFinal: seen.trackingFinal ?? Number.NaN,
    };
    samples.push({
      issue: issue.number,
      jobId,
      runId,
      times,
      jobFinished,
      deliveryAnsweredMs: answered - delivered,
      agent: agentSplit(events, times),
      github: null,
    });
    watcher.forget(issue.number);
  }
  if (count === 1 && samples[0]) samples[0].github = githubShare(stamped.slice(requestsBefore), samples[0]);
  return samples;
}

/** LLM waits (as the worker measured each call), tool time (action → observation) and the rest. */
function agentSplit(events: readonly RunEvent[], times: Times): RunSample['agent'] {
  const steps: StepTiming[] = [];
  let previous = times.agentStarted;
  for (const event of events) {
    if (event.kind !== 'action') continue;
    const observation = events.find((e) => e.kind === 'observation' && e.actionId === event.id);
    const at = Date.parse(event.timestamp);
    const done = observation ? Date.parse(observation.timestamp) : at;
    steps.push({ tool: event.toolName, llmMs: event.llm?.latencyMs ?? at - previous, toolMs: done - at });
    previous = done;
  }
  const llmWaitMs = sum(steps.map((s) => s.llmMs));
  const toolMs = sum(steps.map((s) => s.toolMs));
  const llmCalls = events.filter((e) => 'llm' in e && e.llm !== undefined).length;
  return {
    llmCalls,
    llmWaitMs,
    toolMs,
    otherMs: times.agentFinished - times.agentStarted - llmWaitMs - toolMs,
    steps,
  };
}

/** The stand-in's requests during one run (alone on the machine), put into the run's phases. */
function githubShare(requests: readonly Stamped[], sample: RunSample): GitHubShare {
  const byPhase: GitHubShare['byPhase'] = {};
  for (const phase of PHASES) byPhase[phase.name] = { requests: 0, answerMs: 0, ops: [] };
  const inRun = requests.filter((r) => r.at <= sample.times.trackingFinal);
  for (const r of inRun) {
    const phase = PHASES.find((p) => r.at >= sample.times[p.from] && r.at < sample.times[p.to]);
    const slot = phase ? byPhase[phase.name] : undefined;
    if (!slot) continue;
    slot.requests++;
    slot.answerMs += answerMs(r);
    slot.ops.push(opName(r.record));
  }
  return {
    requests: inRun.length,
    answerMs: sum(inRun.map(answerMs)),
    byPhase,
    timeline: inRun.map((r) => ({
      atMs: r.at - sample.times.delivered,
      answerMs: r.done === null ? null : r.done - r.at,
      method: r.record.method,
      op: opName(r.record),
      status: r.record.status,
    })),
  };
}

/** Operations @octokit/plugin-throttling counts as triggering notifications (3 s apart per process). */
const NOTIFYING = new Set(['issues/create-comment', 'pulls/create', 'pulls/request-reviewers']);
const isWrite = (method: string, op: string) =>
  method !== 'GET' && !op.startsWith('git ') && op !== 'apps/create-installation-access-token';

/**
 * Writes that went out when octokit's throttle allowed (1 s after the previous write, or 3 s after the
 * previous notifying write, within -30/+60 ms: arrival stamps are not send times) and, for each, the
 * idle time since the request before it was answered: the wait the throttle imposed, as long as one
 * run is alone on the worker (the sequential runs).
 */
function throttleSpacing(
  timeline: readonly { atMs: number; answerMs: number | null; method: string; op: string }[],
) {
  let lastWrite: number | null = null;
  let lastNotifying: number | null = null;
  let previousAnswered: number | null = null;
  const spaced = { writes: 0, atOneSecond: 0, atThreeSeconds: 0, waitMs: 0 };
  const near = (at: number, from: number | null, ms: number) =>
    from !== null && at - from >= ms - 30 && at - from < ms + 60;
  for (const r of timeline) {
    if (isWrite(r.method, r.op)) {
      spaced.writes++;
      const notifying = NOTIFYING.has(r.op) && near(r.atMs, lastNotifying, 3_000);
      const write = !notifying && near(r.atMs, lastWrite, 1_000);
      if (notifying) spaced.atThreeSeconds++;
      if (write) spaced.atOneSecond++;
      if ((notifying || write) && previousAnswered !== null)
        spaced.waitMs += Math.max(0, r.atMs - previousAnswered);
      lastWrite = r.atMs;
      if (NOTIFYING.has(r.op)) lastNotifying = r.atMs;
    }
    previousAnswered = r.atMs + (r.answerMs ?? 0);
  }
  return spaced;
}

const answerMs = (r: Stamped) => (r.done === null ? 0 : r.done - r.at);

function opName(record: StandinRequestRecord): string {
  if (record.operationId) return record.operationId;
  if (record.path.includes('graphql')) return 'graphql';
  const git = /\.git\/(.*)$/.exec(record.path);
  return git ? `git ${git[1]}` : record.path;
}

// ---- Instruments -----------------------------------------------------------------------------------

/** Stamps each request the stand-in receives with its arrival; the watcher stamps its answer. */
function stampRequests(env: E2eEnvironment): Stamped[] {
  const stamped: Stamped[] = [];
  const requests = env.standin.requests;
  const push = requests.push.bind(requests);
  requests.push = (...records: StandinRequestRecord[]) => {
    const at = Date.now();
    for (const record of records) stamped.push({ at, done: null, record });
    return push(...records);
  };
  return stamped;
}

type Seen = Partial<Record<'trackingPosted' | 'prOpened' | 'trackingFinal', number>>;

/**
 * Looks at the stand-in's state every 5 ms (it lives in this process) and notes when each watched
 * issue got its tracking comment, its PR, and the comment's final body naming the PR; also when each
 * stamped request was answered.
 */
class StateWatcher {
  readonly #env: E2eEnvironment;
  readonly #stamped: Stamped[];
  readonly #watched = new Map<number, { issue: StandinIssue; seen: Seen }>();
  readonly #timer: NodeJS.Timeout;
  #answeredUpTo = 0;

  constructor(env: E2eEnvironment, stamped: Stamped[]) {
    this.#env = env;
    this.#stamped = stamped;
    this.#timer = setInterval(() => this.#look(), WATCH_INTERVAL_MS);
  }

  watch(issue: StandinIssue): void {
    this.#watched.set(issue.number, { issue, seen: {} });
    this.#look();
  }

  forget(number: number): void {
    this.#watched.delete(number);
  }

  async until(number: number, what: keyof Seen, timeoutMs: number): Promise<Seen> {
    const entry = this.#watched.get(number);
    if (!entry) throw new Error(`#${number} is not watched`);
    await waitUntil(() => entry.seen[what], timeoutMs, `${what} on #${number}`);
    return entry.seen;
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #look(): void {
    const now = Date.now();
    for (let i = this.#answeredUpTo; i < this.#stamped.length; i++) {
      const r = this.#stamped[i];
      if (r && r.done === null && r.record.status !== 0) r.done = now;
    }
    while (this.#stamped[this.#answeredUpTo]?.done !== null && this.#answeredUpTo < this.#stamped.length) {
      this.#answeredUpTo++;
    }
    if (this.#watched.size === 0) return;
    const pulls = this.#env.pulls();
    for (const [number, { seen }] of this.#watched) {
      const tracking = this.#env.botComments(number).find((c) => c.body.includes('handsbot:run='));
      if (tracking && seen.trackingPosted === undefined) seen.trackingPosted = now;
      const pull = pulls.find((p) => p.pull?.head.startsWith(`openhands/issue-${number}-`));
      if (pull && seen.prOpened === undefined) seen.prOpened = now;
      if (
        pull &&
        tracking &&
        seen.trackingFinal === undefined &&
        new RegExp(`#${pull.number}(?!\\d)`).test(tracking.body)
      ) {
        seen.trackingFinal = now;
      }
    }
  }
}

/**
 * The scripted LLM's own answer time: the first request a run sent, replayed against it from here
 * (same body, same key, streamed as the worker asks), timed to the end of the answer.
 */
async function probeLlm(env: E2eEnvironment): Promise<{ probes: number; medianMs: number; p90Ms: number }> {
  const first = env.llm.requests[0];
  if (!first) throw new Error('the scripted LLM saw no request');
  const url = `${env.llm.url}${first.path}`;
  const times: number[] = [];
  for (let i = 0; i < LLM_PROBES; i++) {
    const started = performance.now();
    const answer = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${first.apiKey ?? ''}` },
      body: first.raw,
    });
    await answer.text();
    if (!answer.ok) throw new Error(`LLM probe answered ${answer.status}`);
    times.push(performance.now() - started);
  }
  return { probes: LLM_PROBES, medianMs: round(median(times), 2), p90Ms: round(percentile(times, 90), 2) };
}

// ---- The report ------------------------------------------------------------------------------------

const total = (s: RunSample) => s.times.trackingFinal - s.times.delivered;
const phaseMs = (s: RunSample, p: (typeof PHASES)[number]) => s.times[p.to] - s.times[p.from];

function summary(values: readonly number[]) {
  return {
    medianMs: round(median(values), 1),
    p90Ms: round(percentile(values, 90), 1),
    minMs: round(percentile(values, 0), 1),
    maxMs: round(max(values), 1),
  };
}

interface ReportInput {
  say: (line?: string) => void;
  env: E2eEnvironment;
  envStartMs: number;
  first: RunSample;
  sequential: RunSample[];
  stoppedEarly: boolean;
  concurrent: RunSample[];
  wallMs: number;
  wallToJobsEndMs: number;
  concurrentTimeline: { atMs: number; answerMs: number | null; method: string; op: string }[];
  probe: { probes: number; medianMs: number; p90Ms: number };
  loads: Record<
    'start' | 'sequentialStart' | 'sequentialEnd' | 'concurrentStart' | 'concurrentEnd' | 'end',
    number[]
  >;
  benchMs: number;
}

function report(input: ReportInput): unknown {
  const { say, sequential, concurrent, first } = input;
  const seqTotal = summary(sequential.map(total));
  const concTotal = summary(concurrent.map(total));
  const rows = PHASES.map((p) => ({
    phase: p.name,
    what: p.what,
    sequential: summary(sequential.map((s) => phaseMs(s, p))),
    concurrent: summary(concurrent.map((s) => phaseMs(s, p))),
    first: round(phaseMs(first, p), 1),
  }));
  const cleanup = summary(sequential.map((s) => s.jobFinished - s.times.trackingFinal));

  say(
    `\nLabel → PR, phase by phase (ms; sequential: ${sequential.length} runs, p90 is nearest-rank; at once: ${concurrent.length})`,
  );
  const header = `${'phase'.padEnd(34)} ${'median'.padStart(7)} ${'p90'.padStart(7)} ${'share'.padStart(6)}   ${'first'.padStart(7)}   ${'at once med'.padStart(11)} ${'max'.padStart(7)}`;
  say(header);
  say('-'.repeat(header.length));
  for (const row of rows) {
    say(
      `${row.phase.padEnd(34)} ${fmt(row.sequential.medianMs).padStart(7)} ${fmt(row.sequential.p90Ms).padStart(7)} ${pct(row.sequential.medianMs / seqTotal.medianMs).padStart(6)}   ${fmt(row.first).padStart(7)}   ${fmt(row.concurrent.medianMs).padStart(11)} ${fmt(row.concurrent.maxMs).padStart(7)}`,
    );
  }
  say('-'.repeat(header.length));
  say(
    `${'total: webhook → comment final'.padEnd(34)} ${fmt(seqTotal.medianMs).padStart(7)} ${fmt(seqTotal.p90Ms).padStart(7)} ${''.padStart(6)}   ${fmt(total(first)).padStart(7)}   ${fmt(concTotal.medianMs).padStart(11)} ${fmt(concTotal.maxMs).padStart(7)}`,
  );
  say(
    `${'(after: comment final → job ended)'.padEnd(34)} ${fmt(cleanup.medianMs).padStart(7)} ${fmt(cleanup.p90Ms).padStart(7)}`,
  );
  say('   share = phase median / total median (medians do not add up exactly).');
  for (const row of rows) say(`   ${row.phase}: ${row.what}`);

  // Inside the agent phase.
  const agent = (pick: (a: RunSample['agent']) => number) =>
    round(median(sequential.map((s) => pick(s.agent))), 1);
  const llmCalls = median(sequential.map((s) => s.agent.llmCalls));
  const llmWait = agent((a) => a.llmWaitMs);
  const toolTime = agent((a) => a.toolMs);
  const other = agent((a) => a.otherMs);
  const perTool = (i: number) =>
    round(median(sequential.map((s) => s.agent.steps[i]?.toolMs ?? Number.NaN)), 1);
  const perLlm = (i: number) =>
    round(median(sequential.map((s) => s.agent.steps[i]?.llmMs ?? Number.NaN)), 1);
  const stepNames = first.agent.steps.map((s) => s.tool);
  say('\nInside "agent started → finished" (sequential medians, ms)');
  say(
    `   LLM waits ${fmt(llmWait)} over ${llmCalls} calls (as the worker timed them), commands in the sandbox ${fmt(toolTime)}, rest ${fmt(other)}`,
  );
  say(
    `   per step, LLM / tool: ${stepNames.map((name, i) => `${name} ${fmt(perLlm(i))} / ${fmt(perTool(i))}`).join(', ')}`,
  );
  const llmShare = (llmCalls * input.probe.medianMs) / seqTotal.medianMs;
  say(
    `   the scripted LLM's own share: ${llmCalls} requests x ${input.probe.medianMs} ms answer time (median of ${input.probe.probes} replays from here) = ` +
      `${fmt(llmCalls * input.probe.medianMs)} ms, ${pct(llmShare, 2)} of the total; as the worker waited for it, ${pct(llmWait / seqTotal.medianMs, 1)}`,
  );

  // GitHub (the stand-in) by phase.
  const withGitHub = sequential.filter((s) => s.github !== null);
  const ghMedian = (pick: (g: GitHubShare) => number) =>
    round(median(withGitHub.map((s) => pick(s.github as GitHubShare))), 1);
  say('\nGitHub stand-in requests per run, by phase (sequential medians: count, ms inside the stand-in)');
  for (const phase of PHASES) {
    const count = ghMedian((g) => g.byPhase[phase.name]?.requests ?? 0);
    const ms = ghMedian((g) => g.byPhase[phase.name]?.answerMs ?? 0);
    const ops = withGitHub[0]?.github?.byPhase[phase.name]?.ops ?? [];
    say(`   ${phase.name.padEnd(34)} ${String(count).padStart(3)} ${fmt(ms).padStart(6)}  ${ops.join(', ')}`);
  }
  say(
    `   whole run: ${ghMedian((g) => g.requests)} requests, ${fmt(ghMedian((g) => g.answerMs))} ms inside the stand-in (REST answers are checked against GitHub's OpenAPI description in this process)`,
  );
  const spacing = withGitHub.map((s) => throttleSpacing((s.github as GitHubShare).timeline));
  const seqSpacing = {
    writes: median(spacing.map((x) => x.writes)),
    atOneSecond: median(spacing.map((x) => x.atOneSecond)),
    atThreeSeconds: median(spacing.map((x) => x.atThreeSeconds)),
    waitMs: round(median(spacing.map((x) => x.waitMs)), 1),
  };
  say(
    `   writes per run: ${seqSpacing.writes}, of which ${seqSpacing.atOneSecond} went out exactly 1 s after the previous write and ${seqSpacing.atThreeSeconds} exactly 3 s after the previous notifying one ` +
      `(octokit's throttling: writes 1 s apart, comments / PRs / reviewer requests 3 s apart, per process); idle before them, waiting for the throttle: ${fmt(seqSpacing.waitMs)} ms (${pct(seqSpacing.waitMs / seqTotal.medianMs)} of the total)`,
  );
  const medianRun = [...withGitHub].sort((a, b) => total(a) - total(b))[
    Math.floor((withGitHub.length - 1) / 2)
  ];
  if (medianRun?.github) {
    say(
      `\nGitHub requests of the median run (#${medianRun.issue}), ms from the webhook; writes with the gap since the previous write`,
    );
    let lastWrite: number | null = null;
    for (const r of medianRun.github.timeline) {
      const write =
        r.method !== 'GET' && !r.op.startsWith('git ') && r.op !== 'apps/create-installation-access-token';
      const gap = write && lastWrite !== null ? `  (+${fmt(r.atMs - lastWrite)} since last write)` : '';
      if (write) lastWrite = r.atMs;
      say(
        `   ${fmt(r.atMs).padStart(6)}  ${r.method.padEnd(5)} ${r.op.padEnd(44)} ${String(r.status).padStart(3)} ${fmt(r.answerMs ?? Number.NaN).padStart(5)} ms${gap}`,
      );
    }
  }

  // Concurrency.
  const seqMedian = seqTotal.medianMs;
  const ratioWall = input.wallMs / seqMedian;
  const ratioLatency = concTotal.medianMs / seqMedian;
  say(
    `\n${concurrent.length} at once (worker concurrency ${WORKER_CONCURRENCY}, per-installation cap ${PER_INSTALLATION_LIMIT})`,
  );
  say(
    `   wall time, first webhook → last final comment: ${fmt(input.wallMs)} ms = ${ratioWall.toFixed(2)} x the sequential median (${fmt(seqMedian)} ms); ` +
      `${concurrent.length} in a row would be ${concurrent.length}.00 x`,
  );
  say(
    `   per-run latency: median ${fmt(concTotal.medianMs)} ms (${ratioLatency.toFixed(2)} x), max ${fmt(concTotal.maxMs)} ms (${(concTotal.maxMs / seqMedian).toFixed(2)} x)`,
  );
  say(`   until every job ended: ${fmt(input.wallToJobsEndMs)} ms`);
  const concSpacing = throttleSpacing(input.concurrentTimeline);
  say(
    `   the worker's writes to GitHub in the batch: ${concSpacing.writes}, ${concSpacing.atOneSecond} exactly 1 s and ${concSpacing.atThreeSeconds} exactly 3 s after the one before; ` +
      `the throttle is per process, so the runs of one worker queue behind each other's comments and PRs`,
  );
  const l = input.loads;
  say(
    `\nload average (1/5/15 min): start ${fmtLoad(l.start)}, sequential ${fmtLoad(l.sequentialStart)} → ${fmtLoad(l.sequentialEnd)}, ` +
      `at once ${fmtLoad(l.concurrentStart)} → ${fmtLoad(l.concurrentEnd)}, end ${fmtLoad(l.end)}`,
  );
  say(
    `bench took ${(input.benchMs / 1000).toFixed(0)} s, environment start-up ${(input.envStartMs / 1000).toFixed(1)} s`,
  );

  const json = {
    bench: 'end-to-end',
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpu: cpus()[0]?.model ?? 'unknown',
      memoryGiB: round(totalmem() / 2 ** 30, 1),
      node: process.version,
      loadAverage: Object.fromEntries(Object.entries(l).map(([k, v]) => [k, v.map((x) => round(x, 2))])),
    },
    setup: {
      scenario: 'FIX_ADD (4 scripted LLM turns: node test.js, sed fix, node test.js, finish)',
      sequentialRuns: sequential.length,
      sequentialRunsAsked: RUNS,
      stoppedEarlyForTimeBudget: input.stoppedEarly,
      concurrentRuns: concurrent.length,
      workerConcurrency: WORKER_CONCURRENCY,
      perInstallationLimit: PER_INSTALLATION_LIMIT,
      workers: 1,
      sandboxImage: process.env.HANDSBOT_SANDBOX_IMAGE ?? '(default tag)',
      environmentStartMs: input.envStartMs,
      benchMs: input.benchMs,
    },
    clocks: [
      'all timestamps are epoch ms on this host',
      'delivered: the bench, before it opens the issue and posts issues.labeled',
      'enqueued: the web process log line "enqueued"; job started: the worker\'s "run job started"',
      "agent started / finished: the run_started and finish events of the run's event log",
      'tracking comment / PR / final comment: a 5 ms watcher over the stand-in state (in this process)',
      "job ended: BullMQ's finishedOn",
      'p90 is nearest-rank: with 8 runs it is the largest',
    ],
    phases: rows,
    total: { sequential: seqTotal, concurrent: concTotal, first: round(total(first), 1) },
    afterFinalToJobEnd: cleanup,
    agent: {
      llmCallsPerRun: llmCalls,
      llmWaitMedianMs: llmWait,
      sandboxCommandsMedianMs: toolTime,
      restMedianMs: other,
      perStep: stepNames.map((tool, i) => ({ tool, llmMedianMs: perLlm(i), toolMedianMs: perTool(i) })),
    },
    llm: {
      requestsPerRun: llmCalls,
      answerTimeProbe: input.probe,
      ownShareOfTotal: round(llmShare, 4),
      workerObservedWaitShareOfTotal: round(llmWait / seqMedian, 4),
    },
    github: {
      requestsPerRunMedian: ghMedian((g) => g.requests),
      standinAnswerMsPerRunMedian: ghMedian((g) => g.answerMs),
      throttleSpacedWritesPerRunMedian: seqSpacing,
      byPhase: Object.fromEntries(
        PHASES.map((p) => [
          p.name,
          {
            requestsMedian: ghMedian((g) => g.byPhase[p.name]?.requests ?? 0),
            standinMsMedian: ghMedian((g) => g.byPhase[p.name]?.answerMs ?? 0),
          },
        ]),
      ),
      medianRunTimeline: medianRun?.github?.timeline ?? [],
    },
    concurrency: {
      runs: concurrent.length,
      wallMs: round(input.wallMs, 1),
      wallUntilJobsEndedMs: round(input.wallToJobsEndMs, 1),
      wallToSequentialMedian: round(ratioWall),
      latencyMedianToSequentialMedian: round(ratioLatency),
      latencyMaxToSequentialMedian: round(concTotal.maxMs / seqMedian),
      throttleSpacedWrites: {
        writes: concSpacing.writes,
        atOneSecond: concSpacing.atOneSecond,
        atThreeSeconds: concSpacing.atThreeSeconds,
      },
      timeline: input.concurrentTimeline,
    },
    samples: {
      first: sampleJson(first),
      sequential: sequential.map(sampleJson),
      concurrent: concurrent.map(sampleJson),
    },
  };
  return json;
}

function sampleJson(s: RunSample) {
  const t0 = s.times.delivered;
  return {
    issue: s.issue,
    runId: s.runId,
    totalMs: total(s),
    deliveryAnsweredMs: s.deliveryAnsweredMs,
    atMs: Object.fromEntries([...MARKS.map((m) => [m, s.times[m] - t0]), ['jobEnded', s.jobFinished - t0]]),
    agent: {
      llmWaitMs: s.agent.llmWaitMs,
      toolMs: s.agent.toolMs,
      otherMs: s.agent.otherMs,
      steps: s.agent.steps,
    },
    github: s.github
      ? { requests: s.github.requests, standinMs: s.github.answerMs, timeline: s.github.timeline }
      : null,
  };
}

// ---- Small helpers ---------------------------------------------------------------------------------

function intArg(flag: string, fallback: number): number {
  const i = process.argv.indexOf(flag);
  if (i === -1) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} takes a positive whole number`);
  return value;
}

async function waitUntil<T>(
  check: () => Promise<T | undefined | null> | T | undefined | null,
  timeoutMs: number,
  what = 'a condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

type LogLine = { readonly msg?: string; readonly [field: string]: unknown };
function logLine(logs: () => LogLine[], match: (line: LogLine) => boolean): Promise<LogLine> {
  return waitUntil(() => logs().find(match), 10_000, 'a log line');
}

const fmt = (ms: number) => (Number.isFinite(ms) ? ms.toFixed(0) : '—');
const pct = (ratio: number, digits = 0) => `${(ratio * 100).toFixed(digits)}%`;
const fmtLoad = (load: readonly number[]) => load.map((x) => x.toFixed(2)).join(' ');

await main();

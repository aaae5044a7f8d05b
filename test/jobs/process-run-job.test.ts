import { randomBytes } from 'node:crypto';
import { mkdtemp, realpath, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ControlChannel } from '../../jobs/control-channel.js';
import type { FollowUpFate } from '../../jobs/follow-up-fate.js';
import type { JobData } from '../../jobs/job-data.js';
import { TransientJobError } from '../../jobs/job-errors.js';
import { runJobId } from '../../jobs/job-ids.js';
import { createRunJobProcessor } from '../../jobs/process-run-job.js';
import type { RunJobData } from '../../jobs/run-job-context.js';
import type { RunGitHub, RunReport, RunTask, WorkspaceProvider } from '../../jobs/run-ports.js';
import { startRunWorker } from '../../jobs/run-worker.js';
import type { RunState } from '../../src/agent/run-state.js';
import { loadConfig } from '../../src/config/index.js';
import { createFileEventStore } from '../../src/events/file-event-store.js';
import { FLAGGED_CHANGES_HEADING } from '../../src/github/ops/render-path-findings.js';
import { renderPullRequestBody } from '../../src/github/ops/render-pull-request-body.js';
import type { PathFinding } from '../../src/security/classify-tree-changes.js';
import { MirrorCache } from '../../src/workspace/git/mirror-cache.js';
import { createLocalWorkspace } from '../../src/workspace/local-workspace.js';
import { type GitHttpServer, startGitHttpServer } from '../support/git-http-server.js';
import {
  type ScriptedLlmServer,
  type ScriptedTurn,
  startScriptedLlmServer,
} from '../support/scripted-llm/index.js';
import { createUpstream, git, type Upstream } from '../workspace/git/upstream-repo.js';
import { createQueueFixture, quietLogger, runData, waitFor } from './support.js';

/**
 * The run pipeline through a real worker on a real Redis, with the real agent (scripted LLM server),
 * a real file event store, real git (mirror cache, trusted push to a git http-backend server). The two
 * ports whose adapters are written elsewhere are small doubles of the port interfaces: the workspace
 * provider (a local checkout from the mirror cache instead of a Docker container) and GitHub (records
 * what it was asked).
 */

const TOKEN = `ghs_${randomBytes(18).toString('hex')}`;
const APP = { name: 'handsbot[bot]', email: '1+handsbot[bot]@users.noreply.github.com' };
const BRANCH = 'openhands/issue-5-add-subtracts';

let fx: Awaited<ReturnType<typeof createQueueFixture>>;
let tmp: string;
let gitServer: GitHttpServer;
let llm: ScriptedLlmServer | undefined;
let upstream: Upstream;
let url: string;

beforeEach(async () => {
  fx = await createQueueFixture({ attempts: 2 });
  tmp = await realpath(await mkdtemp(path.join(tmpdir(), 'handsbot-jobs-')));
  gitServer = await startGitHttpServer({ root: path.join(tmp, 'server'), token: TOKEN });
  upstream = await createUpstream(path.join(tmp, 'server'), 'octo', 'repo');
  await upstream.commit({ 'src/math.js': 'export function add(a, b) {\n  return a - b;\n}\n' });
  url = gitServer.repoUrl('octo', 'repo');
});

afterEach(async () => {
  await fx.cleanup();
  await llm?.close();
  llm = undefined;
  await gitServer.close();
  await rm(tmp, { recursive: true, force: true });
});

const terminal = (command: string): ScriptedTurn => ({
  toolCalls: [{ name: 'terminal', arguments: { command } }],
});
const finish = (message: string): ScriptedTurn => ({
  toolCalls: [{ name: 'finish', arguments: { message } }],
});

const TASK: RunTask = {
  kind: 'issue',
  number: 5,
  title: 'add subtracts',
  prompt: 'Fix `add` in src/math.js: it subtracts.',
  checkoutRef: null,
  pushBranch: BRANCH,
  branchPolicy: { allowedPrefixes: ['openhands/'], protectedBranches: ['main'] },
  fromFork: false,
  allowWorkflowChanges: false,
  draft: true,
};

/** A double of the GitHub port: answers with TASK, records every call, can fail `openPullRequest` once. */
function fakeGitHub(options: { failOpenPrOnce?: boolean } = {}) {
  const calls: string[] = [];
  const reports: RunReport[] = [];
  const fates: FollowUpFate[][] = [];
  /** The trigger each run loaded its task for, in order. */
  const loaded: RunJobData[] = [];
  const states: RunState[] = [];
  const acknowledged: (readonly JobData[])[] = [];
  /** What each `openPullRequest` was asked to flag. */
  const flaggedForPr: (readonly PathFinding[])[] = [];
  let openFailures = options.failOpenPrOnce ? 1 : 0;
  const github: RunGitHub = {
    loadTask: async (data) => {
      calls.push('loadTask');
      loaded.push(data);
      return TASK;
    },
    startTracking: async () => {
      calls.push('startTracking');
    },
    trackProgress: (_data, state) => {
      states.push(state);
    },
    acknowledgeFollowUps: (_data, _runId, followUps) => {
      calls.push(`acknowledgeFollowUps ${followUps.length}`);
      acknowledged.push(followUps.map((f) => f.data));
      fates.push(followUps.map((f) => f.fate));
    },
    installationToken: async () => {
      calls.push('installationToken');
      return TOKEN;
    },
    openPullRequest: async ({ branch, flagged }) => {
      calls.push(`openPullRequest ${branch}`);
      flaggedForPr.push(flagged);
      if (openFailures-- > 0) throw new TransientJobError('GitHub answered 502');
      return { number: 9, url: 'https://github.example/octo/repo/pull/9' };
    },
    report: async (_data, report) => {
      calls.push(`report ${report.outcome}`);
      reports.push(report);
    },
  };
  return { github, calls, reports, states, acknowledged, fates, loaded, flaggedForPr };
}

/** A double of the workspace port over real modules: a mirror-cache checkout, a local workspace. */
function localProvider() {
  const mirrors = new MirrorCache({ cacheDir: path.join(tmp, 'mirrors'), maxBytes: 1e12 });
  const bases = new Map<string, string>();
  const releases: boolean[] = [];
  const prepares: { resume: boolean; reused: boolean }[] = [];
  const provider: WorkspaceProvider = {
    async prepare({ runId, resume, signal }) {
      const dest = path.join(tmp, 'checkouts', runId);
      const reused =
        resume &&
        (await stat(dest).then(
          () => true,
          () => false,
        ));
      if (!reused) {
        const provisioned = await mirrors.provision({ url, ref: 'main', dest, token: TOKEN, signal });
        bases.set(runId, provisioned.commit);
      }
      prepares.push({ resume, reused });
      const workspace = createLocalWorkspace({ root: dest });
      return {
        workspace,
        checkoutDir: dest,
        remoteUrl: url,
        baseCommit: bases.get(runId) ?? '',
        async release({ final }) {
          releases.push(final);
          await workspace.close();
          if (final) await rm(dest, { recursive: true, force: true });
        },
      };
    },
  };
  return { provider, releases, prepares };
}

async function startPipelineWorker(
  turns: ScriptedTurn[],
  github: RunGitHub,
  provider: WorkspaceProvider,
  options: { confirmation?: 'never' | 'always' | 'risky'; followUpPollMs?: number } = {},
) {
  llm = await startScriptedLlmServer(turns);
  const config = loadConfig({
    LLM_PROVIDER: 'openai',
    LLM_API_KEY: 'sk-test-key-0123456789',
    LLM_BASE_URL: llm.openaiBaseUrl,
    LLM_MAX_RETRIES: '0',
    HANDSBOT_DATA_DIR: path.join(tmp, 'data'),
    HANDSBOT_CONFIRMATION: options.confirmation ?? 'never',
  });
  const store = createFileEventStore({ dir: path.join(tmp, 'data', 'runs') });
  const processor = createRunJobProcessor({
    config,
    store,
    ports: { github, workspaces: provider },
    identity: APP,
    ...(options.followUpPollMs ? { followUpPollMs: options.followUpPollMs } : {}),
  });
  const handle = await startRunWorker({
    connection: fx.redis,
    prefix: fx.prefix,
    queue: fx.queue,
    processor,
    logger: quietLogger,
  });
  fx.onCleanup(async () => {
    await handle.close();
    await store.close();
  });
}

async function settled(jobId: string) {
  await waitFor(
    async () => {
      const state = await fx.queue.runs.getJobState(jobId);
      return state === 'completed' || state === 'failed';
    },
    { timeoutMs: 25_000, what: `job ${jobId} to settle` },
  );
  const job = await fx.queue.runs.getJob(jobId);
  if (!job) throw new Error('job missing');
  return job;
}

describe('run pipeline', () => {
  it('runs the steps in order: the agent fixes the bug, the worker pushes a branch and opens a PR', async () => {
    const { github, calls, reports } = fakeGitHub();
    const { provider, releases } = localProvider();
    await startPipelineWorker(
      [terminal("sed -i 's/a - b/a + b/' src/math.js"), finish('add adds now')],
      github,
      provider,
    );
    const { jobId } = await fx.queue.enqueue(runData());
    const job = await settled(jobId);

    expect(job.returnvalue).toMatchObject({
      outcome: 'pull_request_opened',
      runId: jobId,
      branch: BRANCH,
      pullRequestUrl: 'https://github.example/octo/repo/pull/9',
    });
    expect(calls).toEqual([
      'loadTask',
      'startTracking',
      'installationToken',
      `openPullRequest ${BRANCH}`,
      'report pull_request_opened',
    ]);
    expect(reports[0]).toMatchObject({ message: 'add adds now', followUps: [] });
    expect(git(upstream.bare, 'show', `${BRANCH}:src/math.js`)).toContain('a + b');
    expect(git(upstream.bare, 'log', '-1', '--format=%B', BRANCH)).toContain('Co-authored-by: alice');
    expect(job.progress).toMatchObject({ step: 'report', iterations: 2 });
    expect(releases).toEqual([true]);
  });

  it('a refused change gives up at once: the failing step and a short message are reported, nothing is pushed', async () => {
    const { github, calls, reports } = fakeGitHub();
    const { provider, releases } = localProvider();
    await startPipelineWorker(
      [
        terminal('mkdir -p .github/workflows && echo "on: push" > .github/workflows/ci.yml'),
        finish('added CI'),
      ],
      github,
      provider,
    );
    const { jobId } = await fx.queue.enqueue(runData());
    const job = await settled(jobId);

    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(calls).toEqual(['loadTask', 'startTracking', 'installationToken', 'report failed']);
    expect(reports[0]).toMatchObject({
      outcome: 'failed',
      failedStep: 'push',
      refused: [{ path: '.github/workflows/ci.yml', change: 'added', rule: 'workflow' }],
    });
    expect(reports[0]?.message).toContain('nothing was pushed');
    expect(reports[0]?.message).not.toMatch(/\n\s+at /);
    expect(git(upstream.bare, 'branch', '--list', BRANCH).trim()).toBe('');
    expect(releases).toEqual([true]);
  });

  it('a workflow moved away with `git mv` is refused when the repository does not allow workflow changes', async () => {
    await upstream.commit({ '.github/workflows/ci.yml': 'on: push\n' });
    const { github, calls, reports } = fakeGitHub();
    const { provider } = localProvider();
    await startPipelineWorker(
      [
        terminal("git mv .github/workflows/ci.yml ci.yml && sed -i 's/a - b/a + b/' src/math.js"),
        finish('fixed add, and moved CI out of the way'),
      ],
      github,
      provider,
    );
    const job = await settled((await fx.queue.enqueue(runData())).jobId);

    expect(await job.getState()).toBe('failed');
    expect(calls).not.toContain(`openPullRequest ${BRANCH}`);
    expect(reports[0]?.refused).toEqual([
      expect.objectContaining({ path: '.github/workflows/ci.yml', change: 'deleted', rule: 'workflow' }),
    ]);
    expect(git(upstream.bare, 'branch', '--list', BRANCH).trim()).toBe('');
  });

  it('an agent that rewrites .github/openhands.yml gets its PR, whose body lists the file under the flag heading', async () => {
    const { github, reports, flaggedForPr } = fakeGitHub();
    const { provider } = localProvider();
    await startPipelineWorker(
      [
        terminal(
          "sed -i 's/a - b/a + b/' src/math.js && mkdir -p .github && printf 'confirmation: never\\nnetwork: open\\n' > .github/openhands.yml",
        ),
        finish('add adds now'),
      ],
      github,
      provider,
    );
    const job = await settled((await fx.queue.enqueue(runData())).jobId);

    expect(job.returnvalue).toMatchObject({ outcome: 'pull_request_opened' });
    expect(git(upstream.bare, 'show', `${BRANCH}:.github/openhands.yml`)).toContain('network: open');
    const flagged = flaggedForPr[0] ?? [];
    expect(flagged).toEqual([
      expect.objectContaining({ path: '.github/openhands.yml', change: 'added', rule: 'handsbot-config' }),
    ]);
    // The same list goes into the tracking comment's final report.
    expect(reports[0]?.flagged).toEqual(flagged);
    // And the body GitHub gets (the real renderer) puts it first, under the heading.
    const body = renderPullRequestBody(
      {
        issueNumber: 5,
        summary: 'add adds now',
        allowedHosts: ['github.com'],
        tests: [],
        costUsd: 0,
        steps: 2,
        runId: 'r',
        template: null,
        flagged,
      },
      (text) => text,
    );
    expect(body.startsWith(`${FLAGGED_CHANGES_HEADING}\n`)).toBe(true);
    expect(body).toContain('- `.github/openhands.yml` (added): sets the confirmation policy');
  });

  it('a transient failure is retried and the retry resumes the run from its log and its kept checkout', async () => {
    const { github, calls } = fakeGitHub({ failOpenPrOnce: true });
    const { provider, releases, prepares } = localProvider();
    await startPipelineWorker(
      [terminal("sed -i 's/a - b/a + b/' src/math.js"), finish('add adds now')],
      github,
      provider,
    );
    const { jobId } = await fx.queue.enqueue(runData());
    const job = await settled(jobId);

    expect(job.returnvalue).toMatchObject({ outcome: 'pull_request_opened' });
    // One failed attempt, one that completed (BullMQ counts both).
    expect(job.attemptsMade).toBe(2);
    // The agent was not run again: the LLM was asked twice in all, by the first attempt.
    expect(llm?.requests).toHaveLength(2);
    expect(prepares).toEqual([
      { resume: false, reused: false },
      { resume: true, reused: true },
    ]);
    expect(releases).toEqual([false, true]);
    expect(calls.filter((c) => c.startsWith('openPullRequest'))).toHaveLength(2);
    expect(calls.at(-1)).toBe('report pull_request_opened');
    expect(git(upstream.bare, 'show', `${BRANCH}:src/math.js`)).toContain('a + b');
  });
  it('a second trigger while the run waits for approval is acknowledged while it waits, not only in the final report', async () => {
    const { github, calls, reports, states, acknowledged } = fakeGitHub();
    const { provider } = localProvider();
    await startPipelineWorker(
      [terminal("sed -i 's/a - b/a + b/' src/math.js"), finish('add adds now')],
      github,
      provider,
      { confirmation: 'always', followUpPollMs: 50 },
    );
    const { jobId } = await fx.queue.enqueue(runData());
    await waitFor(() => states.some((s) => s.status === 'waiting_for_confirmation'), {
      what: 'the run to wait for approval',
    });
    const second = runData({
      sender: { login: 'bob', id: 8 },
      trigger: { kind: 'issue_command', issueNumber: 5, commentId: 3, instructions: 'also the docs' },
    });
    expect(await fx.queue.enqueue(second)).toEqual({ status: 'already_running', jobId });
    await waitFor(() => acknowledged.length > 0, { what: 'the follow-up to be acknowledged' });
    expect(acknowledged).toEqual([[second]]);
    // Still live: nothing was reported, and the run is still waiting when it is acknowledged.
    expect(calls.some((c) => c.startsWith('report'))).toBe(false);
    expect(states.at(-1)?.status).toBe('waiting_for_confirmation');

    await new ControlChannel(fx.redis, fx.prefix).decide(jobId, { approve: true, by: '@alice' });
    const job = await settled(jobId);
    expect(job.returnvalue).toMatchObject({ outcome: 'pull_request_opened' });
    // The final report takes it too (one rendering for both), and it is acknowledged live only once.
    expect(reports[0]?.followUps).toEqual([{ data: second, fate: 'covered' }]);
    expect(acknowledged).toHaveLength(1);
    expect(calls.filter((c) => c.startsWith('acknowledgeFollowUps'))).toEqual(['acknowledgeFollowUps 1']);
  });
});

describe('triggers that arrive while a run holds its target', () => {
  const prCommand = (commentId: number, login: string, triggeredAt: string) =>
    runData({
      sender: { login, id: commentId },
      triggeredAt,
      trigger: { kind: 'pr_command', prNumber: 5, commentId, instructions: `request ${commentId}` },
    });

  /** Starts a run on #5 that waits for approval, so it is live while the test adds triggers. */
  async function liveRun(data: RunJobData, extraTurns: ScriptedTurn[] = []) {
    const fake = fakeGitHub();
    await startPipelineWorker(
      [terminal("sed -i 's/a - b/a + b/' src/math.js"), finish('add adds now'), ...extraTurns],
      fake.github,
      localProvider().provider,
      { confirmation: 'always', followUpPollMs: 50 },
    );
    const { jobId } = await fx.queue.enqueue(data);
    await waitFor(() => fake.states.some((s) => s.status === 'waiting_for_confirmation'), {
      what: 'the run to wait for approval',
    });
    return { ...fake, jobId };
  }

  it('a /agent fix on the PR is acknowledged as running after the run, and runs once it completes, with that trigger', async () => {
    const first = prCommand(1, 'alice', '2025-01-01T00:00:00Z');
    const second = prCommand(3, 'bob', '2025-01-01T00:05:00Z');
    const run = await liveRun(first, [finish('nothing more to change')]);
    expect(await fx.queue.enqueue(second)).toEqual({ status: 'already_running', jobId: run.jobId });
    await waitFor(() => run.acknowledged.length > 0, { what: 'the follow-up to be acknowledged' });
    expect(run.acknowledged).toEqual([[second]]);
    expect(run.fates).toEqual([['runs_after']]);

    await new ControlChannel(fx.redis, fx.prefix).decide(run.jobId, { approve: true, by: '@alice' });
    expect((await settled(run.jobId)).returnvalue).toMatchObject({ outcome: 'pull_request_opened' });
    expect(run.reports[0]?.followUps).toEqual([{ data: second, fate: 'runs_after' }]);

    // The job's end queued it as a run of its own, which ran with bob's trigger.
    const next = await settled(runJobId(second));
    expect(next.returnvalue).toMatchObject({ outcome: 'no_changes' });
    expect(run.loaded).toEqual([first, second]);
    expect(run.reports[1]?.followUps).toEqual([]);
    expect(await fx.queue.takeFollowUps(run.jobId)).toEqual([]);
  });

  it('a second trigger label on the issue is acknowledged as covered by the run, and no second run starts', async () => {
    const first = runData();
    const again = runData({ sender: { login: 'bob', id: 8 } });
    const run = await liveRun(first);
    expect(await fx.queue.enqueue(again)).toEqual({ status: 'already_running', jobId: run.jobId });
    await waitFor(() => run.acknowledged.length > 0, { what: 'the follow-up to be acknowledged' });
    expect(run.fates).toEqual([['covered']]);

    await new ControlChannel(fx.redis, fx.prefix).decide(run.jobId, { approve: true, by: '@alice' });
    expect((await settled(run.jobId)).returnvalue).toMatchObject({ outcome: 'pull_request_opened' });
    expect(run.reports[0]?.followUps).toEqual([{ data: again, fate: 'covered' }]);
    // The report settled it with nothing to run after: nothing is left for the job's end to queue.
    expect(await fx.queue.takeFollowUps(run.jobId)).toEqual([]);
    expect(await fx.queue.runs.getJob(runJobId(again))).toBeUndefined();
    expect(run.loaded).toEqual([first]);
  });

  it('a run stopped with /agent stop drops the PR request that came meanwhile: no run follows', async () => {
    const first = prCommand(1, 'alice', '2025-01-01T00:00:00Z');
    const second = prCommand(3, 'bob', '2025-01-01T00:05:00Z');
    const run = await liveRun(first);
    expect(await fx.queue.enqueue(second)).toEqual({ status: 'already_running', jobId: run.jobId });
    await waitFor(() => run.acknowledged.length > 0, { what: 'the follow-up to be acknowledged' });

    await new ControlChannel(fx.redis, fx.prefix).cancel(run.jobId, 'stopped by @alice');
    expect((await settled(run.jobId)).returnvalue).toMatchObject({ outcome: 'cancelled' });
    expect(run.reports[0]).toMatchObject({
      outcome: 'cancelled',
      followUps: [{ data: second, fate: 'dropped' }],
    });
    expect(await fx.queue.takeFollowUps(run.jobId)).toEqual([]);
    expect(await fx.queue.runs.getJob(runJobId(second))).toBeUndefined();
    expect(run.loaded).toEqual([first]);
  });
});

describe('a destructive command split over two terminal calls, under the default policy', () => {
  it('the call that uses an alias defined by the one before waits for approval, then runs once approved', async () => {
    const { github, states } = fakeGitHub();
    // `tidy` means `rm -rf` only because of the alias before it; the path does not exist, so approving is harmless.
    await startPipelineWorker(
      [
        terminal("alias tidy='rm -rf'"),
        terminal("tidy /opt/handsbot-test-does-not-exist && sed -i 's/a - b/a + b/' src/math.js"),
        finish('add adds now'),
      ],
      github,
      localProvider().provider,
      { confirmation: 'risky' },
    );
    const { jobId } = await fx.queue.enqueue(runData());
    await waitFor(() => states.some((s) => s.status === 'waiting_for_confirmation'), {
      what: 'the run to wait for approval',
    });
    const waiting = states.find((s) => s.status === 'waiting_for_confirmation');
    const [pending] = waiting?.pendingActions ?? [];
    expect(pending?.arguments.command).toContain('tidy /opt/handsbot-test-does-not-exist');
    expect(pending?.verdict.risk).toBe('HIGH');
    expect(pending?.verdict.reasons.map((r) => r.rule)).toContain('session-alias');
    // The alias itself ran ungated; nothing after it did.
    expect(git(upstream.bare, 'branch', '--list', BRANCH)).toBe('');

    await new ControlChannel(fx.redis, fx.prefix).decide(jobId, { approve: true, by: '@alice' });
    expect((await settled(jobId)).returnvalue).toMatchObject({ outcome: 'pull_request_opened' });
    expect(git(upstream.bare, 'show', `${BRANCH}:src/math.js`)).toContain('a + b');
  });
});

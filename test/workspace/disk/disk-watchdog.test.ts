import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDockerWorkspaceProvider } from '../../../jobs/adapters/docker-workspace-provider.js';
import { PermanentJobError } from '../../../jobs/job-errors.js';
import { createRunJobProcessor } from '../../../jobs/process-run-job.js';
import type { RunGitHub, RunReport, RunTask } from '../../../jobs/run-ports.js';
import { startRunWorker } from '../../../jobs/run-worker.js';
import { loadConfig } from '../../../src/config/index.js';
import { createFileEventStore } from '../../../src/events/file-event-store.js';
import { renderRunReport } from '../../../src/github/worker/render-run-report.js';
import { createRedactor } from '../../../src/security/redactor.js';
import { MirrorCache } from '../../../src/workspace/git/index.js';
import { aborted, createQueueFixture, quietLogger, runData, waitFor } from '../../jobs/support.js';
import {
  connectTestDocker,
  listWorkerContainers,
  removeWorkerContainers,
  testWorkerId,
} from '../../support/docker.js';
import { type GitHttpServer, startGitHttpServer } from '../../support/git-http-server.js';
import {
  type ScriptedLlmServer,
  type ScriptedTurn,
  startScriptedLlmServer,
} from '../../support/scripted-llm/index.js';
import { createUpstream, git, type Upstream } from '../git/upstream-repo.js';

/**
 * The fallback bound, forced by giving the provider a mirror cache of plain folders (as a worker that
 * is not root or has no loop devices gets): the whole run pipeline on a real Redis queue, the real
 * agent on a scripted LLM, a real Docker sandbox whose agent fills its checkout.
 */

const MIB = 1024 * 1024;
const LIMIT = 64 * MIB;
const TOKEN = `ghs_${randomBytes(18).toString('hex')}`;
const BRANCH = 'openhands/issue-5-fill-the-disk';
const worker = testWorkerId();

let fx: Awaited<ReturnType<typeof createQueueFixture>>;
let tmp: string;
let gitServer: GitHttpServer;
let llm: ScriptedLlmServer | undefined;
let upstream: Upstream;
let docker: Awaited<ReturnType<typeof connectTestDocker>>;

beforeEach(async () => {
  docker = await connectTestDocker();
  fx = await createQueueFixture({ attempts: 1 });
  tmp = await realpath(await mkdtemp(path.join(tmpdir(), 'handsbot-watchdog-')));
  gitServer = await startGitHttpServer({ root: path.join(tmp, 'server'), token: TOKEN });
  upstream = await createUpstream(path.join(tmp, 'server'), 'octo', 'repo');
  await upstream.commit({ 'README.md': 'a repository\n' });
});

afterEach(async () => {
  await fx.cleanup();
  await llm?.close();
  llm = undefined;
  await removeWorkerContainers(docker.docker, worker);
  await gitServer.close();
  await rm(tmp, { recursive: true, force: true });
});

const TASK: RunTask = {
  kind: 'issue',
  number: 5,
  title: 'fill the disk',
  prompt: 'Do as the issue says.',
  checkoutRef: null,
  defaultBranch: 'main',
  pushBranch: BRANCH,
  branchPolicy: { allowedPrefixes: ['openhands/'], protectedBranches: ['main'] },
  fromFork: false,
  allowWorkflowChanges: false,
  draft: true,
};

/** Only what the pipeline reports matters here. */
function recordingGitHub() {
  const reports: RunReport[] = [];
  const github: RunGitHub = {
    loadTask: async () => TASK,
    startTracking: async () => {},
    trackProgress: () => {},
    acknowledgeFollowUps: () => {},
    installationToken: async () => TOKEN,
    openPullRequest: async () => {
      throw new Error('a run over its disk limit must not open a pull request');
    },
    report: async (_data, report) => {
      reports.push(report);
    },
  };
  return { github, reports };
}

/** A provider whose mirror cache makes plain folders: the bound is the watchdog's. */
function watchedProvider(watchIntervalMs: number) {
  return createDockerWorkspaceProvider({
    docker: docker.docker,
    image: docker.image,
    mirrors: new MirrorCache({ cacheDir: path.join(tmp, 'mirrors'), maxBytes: 1e12 }),
    checkoutsDir: path.join(tmp, 'checkouts'),
    gitBaseUrl: gitServer.url,
    installationToken: async () => TOKEN,
    workerId: worker,
    networkPolicy: { mode: 'none' },
    disk: { limitBytes: LIMIT, watchIntervalMs },
    logger: quietLogger,
  });
}

const terminal = (command: string): ScriptedTurn => ({
  toolCalls: [{ name: 'terminal', arguments: { command } }],
});

describe('the disk watchdog', () => {
  it('caps any one file at the limit at once, and stops the workspace when the checkout passes it', async () => {
    const prepared = await watchedProvider(2_000).prepare({
      runId: `run-${randomBytes(4).toString('hex')}`,
      data: runData(),
      task: TASK,
      resume: false,
      signal: new AbortController().signal,
    });
    try {
      const big = await prepared.workspace.exec(
        'head -c 100M /dev/zero > one.bin; echo "exit=$?"; stat -c %s one.bin',
      );
      expect(big.output).toContain('exit=153'); // SIGXFSZ: the file hit RLIMIT_FSIZE
      expect(Number(big.output.trim().split('\n').at(-1))).toBe(LIMIT);
      const stopped = prepared.stopped;
      if (!stopped) throw new Error('a watched workspace has a stop signal');
      await aborted(stopped);
      expect(stopped.reason).toBeInstanceOf(PermanentJobError);
      expect((stopped.reason as PermanentJobError).userMessage).toBe(
        'The run used more than 64 MiB of disk, its limit, and was stopped.',
      );
      // The container went with it: nothing more is written.
      await expect(prepared.workspace.exec('echo alive')).rejects.toThrow();
    } finally {
      await prepared.release({ final: true });
    }
    expect(await listWorkerContainers(docker.docker, worker)).toEqual([]);
  });

  it('stops a run whose checkout grows past the limit, and the tracking comment says so', async () => {
    llm = await startScriptedLlmServer([
      // Written faster than any measurement, then held: only the watchdog ends this command.
      terminal('head -c 100M /dev/zero > fill.bin; sleep 120'),
      terminal('echo still running'),
      { toolCalls: [{ name: 'finish', arguments: { message: 'filled' } }] },
    ]);
    const config = loadConfig({
      LLM_PROVIDER: 'openai',
      LLM_API_KEY: 'sk-test-key-0123456789',
      LLM_BASE_URL: llm.openaiBaseUrl,
      LLM_MAX_RETRIES: '0',
      HANDSBOT_DATA_DIR: path.join(tmp, 'data'),
      HANDSBOT_CONFIRMATION: 'never',
    });
    const checkoutsDir = path.join(tmp, 'checkouts');
    const workspaces = watchedProvider(200);
    const { github, reports } = recordingGitHub();
    const store = createFileEventStore({ dir: path.join(tmp, 'data', 'runs') });
    const processor = createRunJobProcessor({
      config,
      store,
      ports: { github, workspaces },
      identity: { name: 'handsbot[bot]', email: 'handsbot@example.invalid' },
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

    const { jobId } = await fx.queue.enqueue(runData());
    await waitFor(async () => (await fx.queue.runs.getJobState(jobId)) === 'failed', {
      timeoutMs: 90_000,
      what: 'the run to be stopped',
    });

    expect(reports).toHaveLength(1);
    const report = reports[0];
    expect(report).toMatchObject({
      outcome: 'failed',
      failedStep: 'run-agent',
      message: 'The run used more than 64 MiB of disk, its limit, and was stopped.',
    });
    const comment = renderRunReport(report as RunReport, {
      redact: createRedactor({ secrets: [] }),
      allowedHosts: ['github.com'],
      draft: true,
      fromFork: false,
      number: 5,
      decisionTimeoutMinutes: 60,
    });
    expect(comment).toContain('The run used more than 64 MiB of disk, its limit, and was stopped.');
    // The agent's next command never ran: the run ended at the first.
    expect(llm.requests).toHaveLength(1);
    // Nothing was pushed, and the sandbox and the checkout are gone.
    expect(() => git(upstream.bare, 'rev-parse', '--verify', '--quiet', BRANCH)).toThrow();
    expect(await listWorkerContainers(docker.docker, worker)).toEqual([]);
    expect(existsSync(path.join(checkoutsDir, jobId))).toBe(false);
  });
});

import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import type Dockerode from 'dockerode';
import type { Redis } from 'ioredis';
import type { RunEvent } from '../../../src/events/event.js';
import { createRedisEventStore } from '../../../src/events/redis-event-store.js';
import { reapCheckoutDisks } from '../../../src/workspace/disk/index.js';
import { LABELS } from '../../../src/workspace/docker/index.js';
import type { GitHubStandin } from '../../github-standin/create-github-standin.js';
import { APP_ID, APP_PRIVATE_KEY, FULL, git, standinWithRepo } from '../../github-standin/standin-fixture.js';
import type { StandinComment, StandinIssue } from '../../github-standin/state.js';
import { waitFor } from '../../jobs/support.js';
import { connectTestDocker } from '../../support/docker.js';
import { connectTestRedis, deleteKeysWithPrefix } from '../../support/redis.js';
import { type ScriptedLlmServer, startScriptedLlmServer } from '../../support/scripted-llm/index.js';
import { type AgentScenario, routeByTask } from './agent-script.js';
import { type HandsbotProcess, startHandsbot } from './handsbot-process.js';

export { FULL, git, waitFor };

/** The app's bot, as the stand-in names the installation's tokens. */
export const BOT = 'handsbot[bot]';

export interface E2eEnvironment {
  readonly standin: GitHubStandin;
  readonly llm: ScriptedLlmServer;
  readonly web: HandsbotProcess;
  /** Workers started so far (the first one at start unless `startWorker: false`). */
  readonly workers: HandsbotProcess[];
  /** Every secret the processes hold: none may appear in anything they write to GitHub or the LLM. */
  readonly secrets: readonly string[];
  readonly docker: Dockerode;
  readonly redis: Redis;
  readonly queuePrefix: string;
  startWorker(extraEnv?: Record<string, string>): Promise<HandsbotProcess>;
  /** The issue or PR with this number in `acme/widgets`. */
  item(number: number): StandinIssue;
  /**
   * Opens an issue by `user` (default `maintainer`) labelled with the trigger label and delivers
   * `issues.labeled` from them, as GitHub would; fails unless the app answered 200.
   */
  labelIssue(issue: { title: string; body: string; user?: string }): Promise<StandinIssue>;
  /** Comments `body` on #number as `user` (default `maintainer`) and delivers `issue_comment.created`. */
  comment(number: number, body: string, user?: string): Promise<StandinComment>;
  /** The repository's pull requests. */
  pulls(): StandinIssue[];
  /** The repository's bare git directory, to check what was pushed. */
  readonly gitDir: string;
  /** HANDSBOT_DATA_DIR of the processes (removed by `close`): the demo points people at it. */
  readonly dataDir: string;
  /** Comments on an issue or PR written by the app. */
  botComments(number: number): StandinComment[];
  /** The app's tracking comment on an issue or PR, once there is one with `text` in it. */
  trackingComment(number: number, text?: string | RegExp, timeoutMs?: number): Promise<StandinComment>;
  /** What to look at when a test fails: each process's last log lines, the app's comments, the runs' events. */
  diagnostics(): Promise<string>;
  /** A run's event log, as the workers share it (the redis event store). */
  runEvents(runId: string): Promise<RunEvent[]>;
  /** Sandbox containers the workers have on the engine (all states). */
  sandboxes(): Promise<Dockerode.ContainerInfo[]>;
  close(): Promise<void>;
}

export interface E2eOptions {
  readonly scenarios: readonly AgentScenario[];
  /** Environment for the worker processes on top of the common one. */
  readonly workerEnv?: Record<string, string>;
  readonly startWorker?: boolean;
}

/**
 * Everything end to end on this machine: the GitHub stand-in with `acme/widgets` (the buggy fixture),
 * the scripted LLM, a real Redis and Docker engine, and handsbot's own processes (`handsbot serve` and
 * `handsbot worker`) started as a newcomer would, from environment variables, pointed at the stand-in
 * as at a GitHub Enterprise Server. Missing Redis, Docker or sandbox image fail, never skip.
 */
export async function startE2eEnvironment(options: E2eOptions): Promise<E2eEnvironment> {
  const redis = await connectTestRedis();
  const { docker, image } = await connectTestDocker();
  const standin = await standinWithRepo();
  const llmKey = `sk-e2e-${randomBytes(12).toString('hex')}`;
  const llm = await startScriptedLlmServer(routeByTask(options.scenarios), { apiKey: llmKey });
  const dataDir = await mkdtemp(path.join(tmpdir(), 'handsbot-e2e-'));
  const queuePrefix = `e2e-${randomUUID().slice(0, 8)}`;
  const webhookSecret = `whsec-${randomBytes(12).toString('hex')}`;
  const canary = `canary-${randomBytes(12).toString('hex')}`;
  const apiHost = new URL(standin.url).host;

  const common: Record<string, string> = {
    LOG_LEVEL: 'info',
    APP_ID: String(APP_ID),
    PRIVATE_KEY: APP_PRIVATE_KEY,
    WEBHOOK_SECRET: webhookSecret,
    GHE_HOST: apiHost,
    GHE_PROTOCOL: 'http',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    HANDSBOT_QUEUE_PREFIX: queuePrefix,
    HANDSBOT_DATA_DIR: dataDir,
    // Workers on several machines share their runs' logs through Redis.
    HANDSBOT_EVENT_STORE: 'redis',
    // A further secret the operator named: it must be masked wherever it could surface.
    HANDSBOT_SECRET_ENV: 'E2E_CANARY',
    E2E_CANARY: canary,
  };
  const workerEnv: Record<string, string> = {
    ...common,
    LLM_PROVIDER: 'openai',
    LLM_MODEL: 'gpt-4o',
    LLM_BASE_URL: llm.openaiBaseUrl,
    LLM_API_KEY: llmKey,
    LLM_MAX_RETRIES: '1',
    LLM_RETRY_MIN_WAIT_MS: '100',
    LLM_RETRY_MAX_WAIT_MS: '200',
    HANDSBOT_SANDBOX_IMAGE: image,
    HANDSBOT_JOB_BACKOFF_MS: '1000',
    HANDSBOT_SHUTDOWN_GRACE_S: '15',
    ...options.workerEnv,
  };

  const store = createRedisEventStore({ redis, prefix: queuePrefix });
  const started: HandsbotProcess[] = [];
  const workers: HandsbotProcess[] = [];
  const cleanups: (() => Promise<unknown>)[] = [
    () => redis.quit(),
    () => store.close(),
    () => deleteKeysWithPrefix(redis, queuePrefix),
    () => llm.close(),
    () => standin.close(),
    () => rm(dataDir, { recursive: true, force: true }),
    // Before the folder goes (cleanups run in reverse): checkout filesystems a killed worker left
    // mounted, with their loop devices; `rm` alone would empty them and leave both behind.
    () =>
      reapCheckoutDisks({
        checkoutsDir: path.join(dataDir, 'checkouts'),
        isRunLive: () => false,
        graceMs: 0,
      }),
  ];
  const close = async () => {
    // Processes first (a worker removes its own sandboxes on SIGTERM), then whatever a killed one left.
    await Promise.allSettled(started.map((p) => p.stop()));
    await removeSandboxes(docker, workers);
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };

  try {
    // The processes run in the data folder: the repository's own `.env`, if a developer has one
    // from the setup flow, must not reach them.
    const web = await startHandsbot(
      'serve',
      { ...common, HOST: '127.0.0.1', PORT: String(await freePort()) },
      { cwd: dataDir },
    );
    started.push(web);
    const ready = await web.waitForLog((line) => line.msg === 'web process ready');
    standin.setWebhook(String(ready.url), webhookSecret);

    const startWorker = async (extraEnv: Record<string, string> = {}) => {
      const worker = await startHandsbot('worker', { ...workerEnv, ...extraEnv }, { cwd: dataDir });
      started.push(worker);
      workers.push(worker);
      return worker;
    };
    if (options.startWorker !== false) await startWorker();

    const [owner = '', name = ''] = FULL.split('/');
    const repo = standin.state.repo(owner, name);
    if (!repo) throw new Error(`no ${FULL} in the stand-in`);
    const item = (number: number) => {
      const found = repo.items.get(number);
      if (!found) throw new Error(`no #${number} in ${FULL}`);
      return found;
    };
    const botComments = (number: number) => item(number).comments.filter((c) => c.user.login === BOT);
    return {
      standin,
      llm,
      web,
      workers,
      secrets: [llmKey, webhookSecret, canary, APP_PRIVATE_KEY],
      docker,
      redis,
      queuePrefix,
      startWorker,
      item,
      async labelIssue({ title, body, user = 'maintainer' }) {
        const issue = standin.createIssue(FULL, { title, body, user, labels: ['openhands'] });
        await expectAccepted(
          standin.deliver('issues', 'labeled', {
            repo: FULL,
            number: issue.number,
            sender: user,
            overrides: { label: { name: 'openhands' } },
          }),
        );
        return issue;
      },
      async comment(number, body, user = 'maintainer') {
        const comment = standin.addComment(FULL, number, { user, body });
        await expectAccepted(
          standin.deliver('issue_comment', 'created', { repo: FULL, number, comment: comment.id }),
        );
        return comment;
      },
      pulls: () => [...repo.items.values()].filter((i) => i.pull !== undefined),
      gitDir: repo.gitDir,
      dataDir,
      botComments,
      trackingComment: (number, text, timeoutMs = 90_000) =>
        waitFor(
          () =>
            botComments(number).find(
              (c) =>
                c.body.includes('handsbot:run=') &&
                (text === undefined ||
                  (typeof text === 'string' ? c.body.includes(text) : text.test(c.body))),
            ),
          {
            timeoutMs,
            intervalMs: 100,
            what: `a tracking comment on #${number} with ${String(text ?? 'anything')}`,
          },
        ),
      sandboxes: () => listSandboxes(docker, workers),
      runEvents: (runId) => store.read(runId),
      diagnostics: async () => {
        const runs = await redis.smembers(`${queuePrefix}:runs`);
        const logs = await Promise.all(
          runs.map(async (runId) => {
            const events = await store.read(runId);
            return `${runId}: ${events.map(describeEvent).join(', ')}`;
          }),
        );
        return [
          ...started.map(
            (p) =>
              `--- handsbot ${p.command} (pid ${p.pid}) ---\n${p.output().split('\n').slice(-60).join('\n')}`,
          ),
          '--- comments by the app ---',
          ...[...repo.items.values()].flatMap((i) =>
            i.comments.filter((c) => c.user.login === BOT).map((c) => `#${i.number}: ${c.body}`),
          ),
          '--- event logs ---',
          ...logs,
          `--- ${llm.requests.length} LLM requests, ${standin.violations.length} contract violations ---`,
          ...standin.violations.map((v) => JSON.stringify(v)),
        ].join('\n');
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

async function expectAccepted(
  delivery: Promise<{ id: string; status: number; body: string }>,
): Promise<void> {
  const { id, status, body } = await delivery;
  if (status !== 200) throw new Error(`the app answered delivery ${id} with ${status}: ${body}`);
}

/** One event in a line: its seq, kind and what it is about. */
function describeEvent(e: RunEvent): string {
  switch (e.kind) {
    case 'action':
      return `${e.seq}:action(${e.id} ${e.toolName} ${JSON.stringify(e.arguments).slice(0, 60)})`;
    case 'observation':
      return `${e.seq}:observation(${e.actionId} exit ${e.exitCode})`;
    case 'user_reject':
      return `${e.seq}:reject(${e.actionId})`;
    default:
      return `${e.seq}:${e.kind}`;
  }
}

/** The id a `handsbot worker` gives itself and labels its sandboxes with: `<hostname>-<pid>`. */
function workerIds(workers: readonly HandsbotProcess[]): Set<string> {
  return new Set(workers.map((w) => `${hostname()}-${w.pid}`));
}

async function listSandboxes(
  docker: Dockerode,
  workers: readonly HandsbotProcess[],
): Promise<Dockerode.ContainerInfo[]> {
  const ids = workerIds(workers);
  const all = await docker.listContainers({ all: true, filters: { label: [`${LABELS.sandbox}=true`] } });
  return all.filter((c) => ids.has(c.Labels[LABELS.worker] ?? ''));
}

async function removeSandboxes(docker: Dockerode, workers: readonly HandsbotProcess[]): Promise<void> {
  for (const container of await listSandboxes(docker, workers)) {
    await docker
      .getContainer(container.Id)
      .remove({ force: true })
      .catch(() => undefined);
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

import { hostname } from 'node:os';
import Dockerode from 'dockerode';
import type { Logger } from 'pino';
import { createDockerWorkspaceProvider } from '../../jobs/adapters/docker-workspace-provider.js';
import type { ControlPorts } from '../../jobs/process-control-job.js';
import { createRunJobProcessor } from '../../jobs/process-run-job.js';
import type { RunJobProcessor } from '../../jobs/run-job-context.js';
import type { Config } from '../config/load-config.js';
import { GitHubAppConfigError, resolveAppCredentials } from '../github/app/resolve-app-credentials.js';
import {
  createAppOctokit,
  createControlPorts,
  createRunGitHub,
  resolveAppIdentity,
} from '../github/worker/index.js';
import { openEventStore } from '../runtime/open-event-store.js';
import { readRunEvents } from '../runtime/read-run-events.js';
import { createRedactor } from '../security/redactor.js';
import {
  checkoutDisksFor,
  type DiskBoundChoice,
  detectDiskBound,
  reapCheckoutDisks,
} from '../workspace/disk/index.js';
import { LABELS, startOrphanReaper } from '../workspace/docker/index.js';
import { MirrorCache } from '../workspace/git/index.js';
import { networkPolicySchema, reapEgress } from '../workspace/network/index.js';

export interface ComposedWorker {
  processor: RunJobProcessor;
  controlPorts: ControlPorts;
  close(): Promise<void>;
}

const REAP_INTERVAL_MS = 5 * 60 * 1000;

/**
 * Wires the run pipeline to the real adapters: the GitHub App's installation clients, the Docker
 * sandbox with its mirror cache and egress policy, the shared event store. The orphan reaper runs at
 * start-up and then periodically, sparing the runs this worker has in hand. The app's identity (its
 * bot account and commit email) is asked of GitHub once, first: a worker that cannot learn it would
 * commit as no one and could not tell its own pull requests and comments, so it does not start.
 */
export async function composeWorker(config: Config, logger: Logger): Promise<ComposedWorker> {
  const credentials = resolveAppCredentials(config.githubApp);
  if (!credentials.ok) throw new GitHubAppConfigError(credentials.problems);
  const { appId, privateKey } = credentials.credentials;
  const app = createAppOctokit({ appId, privateKey, baseUrl: config.githubApp.baseUrl });
  const identity = await resolveAppIdentity(app);
  logger.info({ bot: identity.login }, 'acting as the app’s bot account');
  const redact = createRedactor({ secrets: [...config.secrets] });
  const store = openEventStore(config);
  const docker = new Dockerode();
  const workerId = `${hostname()}-${process.pid}`;
  const active = new Set<string>();
  const diskBound = await chooseDiskBound(config, logger);
  const disks = checkoutDisksFor(diskBound.mode);

  const workspaces = createDockerWorkspaceProvider({
    docker,
    image: config.sandbox.image,
    // Spare checkouts (made in the background, handed over by rename) are what make a warm start
    // cheap: writing thousands of files dominates a checkout (bench/results/workspace-ready.json).
    // Mirrors and checkouts both live under HANDSBOT_DATA_DIR, one filesystem, as renames need.
    // Each checkout is a filesystem of the disk limit's size when the worker can mount one.
    mirrors: new MirrorCache({
      cacheDir: config.sandbox.mirrorsDir,
      maxBytes: config.sandbox.mirrorCacheMaxBytes,
      spareCheckouts: true,
      checkouts: { disks, bytes: config.sandbox.disk.limitBytes },
    }),
    checkoutsDir: config.sandbox.checkoutsDir,
    gitBaseUrl: gitWebRoot(config.githubApp.baseUrl),
    installationToken: app.installationToken,
    workerId,
    networkPolicy: networkPolicySchema.parse(config.sandbox.network),
    limits: config.sandbox.limits,
    disk: { limitBytes: config.sandbox.disk.limitBytes },
    logger,
  });
  const github = createRunGitHub({
    octokitFor: app.octokitFor,
    installationToken: app.installationToken,
    readEvents: async (runId) => (await readRunEvents(store, runId))?.events ?? [],
    config: {
      botLogin: identity.login,
      defaults: { triggerLabel: config.githubApp.triggerLabel },
      allowedHosts: [config.githubApp.webHost],
      decisionTimeoutMs: config.confirmationTimeoutMs,
    },
    redact,
    logger,
  });
  const pipeline = createRunJobProcessor({
    config,
    store,
    ports: { workspaces, github },
    identity: { name: identity.name, email: identity.email },
    decisionTimeoutMs: config.confirmationTimeoutMs,
  });
  const processor: RunJobProcessor = async (ctx) => {
    active.add(ctx.runId);
    try {
      return await pipeline(ctx);
    } finally {
      active.delete(ctx.runId);
    }
  };
  const reaper = startOrphanReaper({
    docker,
    worker: workerId,
    isRunActive: (runId) => active.has(runId),
    intervalMs: REAP_INTERVAL_MS,
    onReaped: async (reaped) => {
      logger.warn({ reaped }, 'removed sandboxes left by a crashed run');
      // Their checkouts go too (unmounted first): no run will resume in them on this worker.
      await Promise.all(reaped.map((r) => (r.checkoutDir ? disks.remove(r.checkoutDir) : null)));
      // Then the networks and proxy relays of those runs.
      await reapEgress({ docker, logger, isActive: await runsWithSandboxes(docker) });
    },
    afterSweep: async () => {
      // Checkout filesystems a crashed worker left mounted, whether or not it had made a sandbox.
      const live = await runsWithSandboxes(docker);
      const disksReaped = await reapCheckoutDisks({
        checkoutsDir: config.sandbox.checkoutsDir,
        isRunLive: (runId) => active.has(runId) || live(runId),
      });
      if (disksReaped.length > 0)
        logger.warn({ disks: disksReaped }, 'removed checkout filesystems left by a crashed run');
    },
    onError: (error) => logger.error({ err: error }, 'the orphan reaper failed'),
  });
  return {
    processor,
    controlPorts: createControlPorts({
      octokitFor: app.octokitFor,
      triggerLabel: config.githubApp.triggerLabel,
      botLogin: identity.login,
      redact,
      logger,
    }),
    async close() {
      await reaper.stop();
      await store.close();
    },
  };
}

/** HANDSBOT_DISK_BOUND: `filesystem` refuses to start without loop mounts; `auto` falls back, saying why. */
async function chooseDiskBound(config: Config, logger: Logger): Promise<DiskBoundChoice> {
  const { bound, limitBytes } = config.sandbox.disk;
  const choice: DiskBoundChoice =
    bound === 'watchdog'
      ? { mode: 'watchdog', reason: 'HANDSBOT_DISK_BOUND=watchdog' }
      : await detectDiskBound(config.sandbox.checkoutsDir);
  if (bound === 'filesystem' && choice.mode !== 'filesystem') {
    throw new Error(`HANDSBOT_DISK_BOUND=filesystem, but ${choice.reason ?? 'loop mounts do not work here'}`);
  }
  logger.info(
    { mode: choice.mode, limitBytes, ...(choice.reason ? { reason: choice.reason } : {}) },
    choice.mode === 'filesystem'
      ? 'each checkout is a filesystem of its own, of the disk limit'
      : 'checkouts are measured by a watchdog that stops a run over the disk limit',
  );
  return choice;
}

/**
 * Runs that still have a sandbox on this engine, any worker's: after the container reaper, those are
 * the live ones, so their networks and relays must stay.
 */
async function runsWithSandboxes(docker: Dockerode): Promise<(runId: string) => boolean> {
  const containers = await docker.listContainers({ all: true, filters: { label: [LABELS.runId] } });
  const live = new Set(
    containers.map((c) => c.Labels[LABELS.runId]).filter((id): id is string => Boolean(id)),
  );
  return (runId) => live.has(runId);
}

/** Where repositories are cloned from, given the REST root: github.com, or a GHE host without /api/v3. */
export function gitWebRoot(apiBaseUrl: string): string {
  const url = new URL(apiBaseUrl);
  if (url.hostname === 'api.github.com') return 'https://github.com';
  return `${url.protocol}//${url.host}`;
}

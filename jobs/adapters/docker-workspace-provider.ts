import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type Dockerode from 'dockerode';
import type { Logger } from 'pino';
import { resolveDiskLimit } from '../../src/config/resolve-run-limits.js';
import { type DiskWatchVerdict, formatBytes, watchDiskUsage } from '../../src/workspace/disk/index.js';
import {
  createDockerWorkspace,
  removeRunSandboxes,
  type SandboxLimits,
} from '../../src/workspace/docker/index.js';
import { GitCommandError, type MirrorCache } from '../../src/workspace/git/index.js';
import {
  type NetworkPolicy,
  OpenEgressFirewallError,
  provisionEgress,
  reapEgress,
  SandboxDnsExposureError,
} from '../../src/workspace/network/index.js';
import { formatRepoInstructions } from '../../src/workspace/repo-instructions/format-repo-instructions.js';
import { readRepoInstructions } from '../../src/workspace/repo-instructions/read-repo-instructions.js';
import type { Workspace } from '../../src/workspace/workspace.js';
import { PermanentJobError, TransientJobError } from '../job-errors.js';
import type { PreparedWorkspace, RunTask, WorkspaceProvider } from '../run-ports.js';

export interface DockerWorkspaceProviderOptions {
  docker: Dockerode;
  image: string;
  mirrors: MirrorCache;
  /** Where run checkouts live on the worker host, one folder per run id. */
  checkoutsDir: string;
  /** `https://github.com` or a GitHub Enterprise root: repositories are `<gitBaseUrl>/<owner>/<repo>.git`. */
  gitBaseUrl: string;
  installationToken: (installationId: number) => Promise<string>;
  workerId: string;
  networkPolicy: NetworkPolicy;
  limits?: Partial<SandboxLimits>;
  /**
   * Disk a run's checkout may use (a repository may lower it). Mirrors whose checkouts are
   * filesystems of their own hold it by their size; plain folders are measured every
   * `watchIntervalMs` (default 5 s) and a run over it is stopped.
   */
  disk: { limitBytes: number; watchIntervalMs?: number };
  logger: Logger;
}

/**
 * Real workspaces for the run pipeline: a checkout made from the worker's mirror (the token passed per
 * command, never stored), a container with the run's network policy, and on `final` release the
 * checkout removed. A resumed run gets its old checkout back when this worker still has it, so the
 * agent's edits survive a retry or a drain.
 */
export function createDockerWorkspaceProvider(options: DockerWorkspaceProviderOptions): WorkspaceProvider {
  return {
    async prepare({ runId, data, task, resume, signal }): Promise<PreparedWorkspace> {
      const { owner, name } = data.repository;
      const remoteUrl = `${options.gitBaseUrl.replace(/\/+$/, '')}/${owner}/${name}.git`;
      const checkoutDir = path.join(options.checkoutsDir, runId);
      const ref = task.checkoutRef ?? task.defaultBranch;
      if (!ref) {
        throw new PermanentJobError(
          'the task names no branch to check out',
          'handsbot could not tell which branch to work on.',
        );
      }
      const log = options.logger.child({ runId, repository: `${owner}/${name}` });
      const disks = options.mirrors.disks;
      const diskLimit = resolveDiskLimit(task.repoSettings?.diskLimitMb, options.disk.limitBytes);

      let baseCommit: string;
      // A kept checkout of a bounded filesystem is an unmounted image until it is reopened.
      const reuse = resume && (await disks.reopen(checkoutDir)) && existsSync(path.join(checkoutDir, '.git'));
      if (reuse) {
        baseCommit = await readHead(options, remoteUrl, ref, data.installationId, signal).catch(
          async (error: unknown) => {
            await disks.close(checkoutDir);
            throw error;
          },
        );
        log.info('resuming in the checkout this worker kept');
      } else {
        await disks.remove(checkoutDir);
        await mkdir(options.checkoutsDir, { recursive: true });
        const token = await options.installationToken(data.installationId);
        try {
          const provisioned = await options.mirrors.provision({
            url: remoteUrl,
            ref,
            dest: checkoutDir,
            token,
            signal,
            diskBytes: diskLimit,
          });
          baseCommit = provisioned.commit;
        } catch (error) {
          throw classifyGitFailure(error);
        }
      }
      try {
        return await openSandbox(
          { runId, task, resume, reuse, signal, log, checkoutDir, diskLimit },
          {
            owner,
            name,
            ref,
            remoteUrl,
            baseCommit,
            installationId: data.installationId,
          },
        );
      } catch (error) {
        // The job may be retried: its checkout stays, its loop device does not.
        await disks.close(checkoutDir);
        throw error;
      }
    },
  };

  /** The container on the checkout, its network, the repository's setup, and the disk watchdog. */
  async function openSandbox(
    run: {
      runId: string;
      task: RunTask;
      resume: boolean;
      reuse: boolean;
      signal: AbortSignal;
      log: Logger;
      checkoutDir: string;
      diskLimit: number;
    },
    repo: {
      owner: string;
      name: string;
      ref: string;
      remoteUrl: string;
      baseCommit: string;
      installationId: number;
    },
  ): Promise<PreparedWorkspace> {
    const { runId, task, signal, log, checkoutDir } = run;
    if (run.resume) {
      // This worker holds the run now: a sandbox, relay or network of it is a dead worker's, and
      // the network's name would clash with the one made below.
      const removed = await removeRunSandboxes(options.docker, runId);
      await reapEgress({ docker: options.docker, logger: log, isActive: (id) => id !== runId });
      if (removed.length > 0) log.warn({ removed }, 'removed the sandbox a stopped worker left for this run');
    }

    // The repository's own .github/openhands.yml (read from its default branch) wins over the worker's.
    const image = task.repoSettings?.image ?? options.image;
    const egress = await provisionEgress(task.repoSettings?.network ?? options.networkPolicy, {
      docker: options.docker,
      logger: log,
      runId,
      relayImage: options.image,
      labels: { 'handsbot.worker': options.workerId },
    }).catch((error: unknown) => {
      throw classifyContainmentFailure(error);
    });
    let opened: Workspace;
    try {
      opened = await createDockerWorkspace({
        docker: options.docker,
        image,
        runId,
        hostCheckoutDir: checkoutDir,
        repoName: repo.name,
        labels: { repository: `${repo.owner}/${repo.name}`, worker: options.workerId },
        network: egress.networkMode,
        dns: egress.dns,
        env: egress.env,
        signal,
        ...(options.limits ? { limits: options.limits } : {}),
        // Where the watchdog bounds the checkout, no single file outgrows the limit meanwhile.
        ...(options.mirrors.disks.kind === 'directory' ? { maxFileBytes: run.diskLimit } : {}),
      });
    } catch (error) {
      await egress.release();
      throw classifyContainmentFailure(error);
    }
    const stopped = new AbortController();
    // A checkout on a filesystem of its own is bounded by its size; a plain folder is measured.
    const watch =
      options.mirrors.disks.kind === 'directory'
        ? watchDiskUsage({
            dir: checkoutDir,
            limitBytes: run.diskLimit,
            intervalMs: options.disk.watchIntervalMs ?? DISK_WATCH_INTERVAL_MS,
            onStop: (verdict) => {
              log.warn(
                { verdict: describeVerdict(verdict) },
                'stopping the run: its checkout is over its disk limit',
              );
              stopped.abort(diskLimitError(verdict, run.diskLimit));
              // Whatever is still writing (a background process included) stops with the container.
              void opened.close().catch(() => undefined);
            },
          })
        : null;
    const closeAll = async () => {
      await watch?.stop();
      // The container goes before its network.
      await opened.close();
      await egress.release();
    };
    let preparation: Preparation = {};
    try {
      // Read from the base branch in the mirror: for a PR run, never from the untrusted head.
      preparation = await prepareRepository(options, opened, {
        url: repo.remoteUrl,
        baseRef: task.defaultBranch ?? repo.ref,
        installationId: repo.installationId,
        runSetup: !run.reuse,
        ...(task.repoSettings?.setupScript ? { setupScriptPath: task.repoSettings.setupScript } : {}),
        signal,
      });
    } catch (error) {
      await closeAll();
      // The setup script filled the checkout: that is what the user is told, not the exec's failure.
      throw stopped.signal.aborted ? stopped.signal.reason : error;
    }
    return {
      workspace: opened,
      checkoutDir,
      remoteUrl: repo.remoteUrl,
      baseCommit: repo.baseCommit,
      stopped: stopped.signal,
      ...(run.resume && !run.reuse ? { freshCheckoutOnResume: true } : {}),
      ...preparation,
      async release({ final }) {
        await closeAll();
        // The checkout stays for a run that will resume (unmounted: its loop device goes now).
        if (final) await options.mirrors.disks.remove(checkoutDir);
        else await options.mirrors.disks.close(checkoutDir);
      },
    };
  }
}

const DISK_WATCH_INTERVAL_MS = 5_000;

/** What the run ends with when the watchdog stops it: the tracking comment says why, in the user's terms. */
function diskLimitError(verdict: DiskWatchVerdict, limitBytes: number): PermanentJobError {
  if (verdict.kind === 'exceeded') {
    return new PermanentJobError(
      `the checkout used ${verdict.usedBytes} bytes of disk, over its limit of ${limitBytes}`,
      `The run used more than ${formatBytes(limitBytes)} of disk, its limit, and was stopped.`,
    );
  }
  return new PermanentJobError(
    `the checkout's disk use could not be measured: ${describeVerdict(verdict)}`,
    `The run's disk use could not be measured (part of its checkout cannot be read), so it was stopped; its limit is ${formatBytes(limitBytes)}.`,
    { cause: verdict.error },
  );
}

function describeVerdict(verdict: DiskWatchVerdict): string {
  if (verdict.kind === 'exceeded') return `${verdict.usedBytes} bytes used`;
  return verdict.error instanceof Error ? verdict.error.message : String(verdict.error);
}

type Preparation = Pick<PreparedWorkspace, 'repositoryInstructions' | 'setup'>;

/** Repository instructions for the prompt, and `.openhands/setup.sh` run in the sandbox (not on resume). */
async function prepareRepository(
  options: DockerWorkspaceProviderOptions,
  workspace: Workspace,
  request: {
    url: string;
    baseRef: string;
    installationId: number;
    runSetup: boolean;
    setupScriptPath?: string;
    signal: AbortSignal;
  },
): Promise<Preparation> {
  const token = await options.installationToken(request.installationId);
  let files: Awaited<ReturnType<typeof readRepoInstructions>>;
  try {
    files = await options.mirrors.withMirror(
      { url: request.url, ref: request.baseRef, token, signal: request.signal },
      ({ gitDir, commit }) =>
        readRepoInstructions({
          gitDir,
          commit,
          signal: request.signal,
          ...(request.setupScriptPath ? { setupScriptPath: request.setupScriptPath } : {}),
        }),
    );
  } catch (error) {
    throw classifyGitFailure(error);
  }
  const instructions = formatRepoInstructions(files.instructions);
  const preparation: Preparation = instructions ? { repositoryInstructions: instructions } : {};
  if (!request.runSetup || files.setupScript === null) return preparation;
  const result = await workspace.exec(files.setupScript, {
    timeoutMs: SETUP_TIMEOUT_MS,
    signal: request.signal,
  });
  return {
    ...preparation,
    setup: { exitCode: result.exitCode, output: result.output, timedOut: result.timedOut },
  };
}

const SETUP_TIMEOUT_MS = 10 * 60 * 1000;

/** The commit the kept checkout started from: the mirror's view of the ref (no network when cached). */
async function readHead(
  options: DockerWorkspaceProviderOptions,
  url: string,
  ref: string,
  installationId: number,
  signal: AbortSignal,
): Promise<string> {
  const token = await options.installationToken(installationId);
  try {
    return await options.mirrors.withMirror({ url, ref, token, signal }, async ({ commit }) => commit);
  } catch (error) {
    throw classifyGitFailure(error);
  }
}

/**
 * A sandbox whose network cannot be confined (open-mode rules that would not install, an engine that
 * leaks DNS out of internal networks) does not start, and trying again on this worker will not help.
 */
function classifyContainmentFailure(error: unknown): unknown {
  if (error instanceof OpenEgressFirewallError || error instanceof SandboxDnsExposureError) {
    return new PermanentJobError(
      error.message,
      "handsbot could not confine this run's network as its policy requires, so it did not start it. " +
        'An administrator of this installation needs to look at the worker.',
      { cause: error },
    );
  }
  return error;
}

/** Network trouble is worth a retry; a missing repository or ref, or refused credentials, is not. */
function classifyGitFailure(error: unknown): Error {
  if (!(error instanceof GitCommandError)) return error instanceof Error ? error : new Error(String(error));
  switch (error.kind) {
    case 'network':
    case 'failed':
      return new TransientJobError(`git ${error.kind}: ${error.message}`, { cause: error });
    case 'auth':
      return new PermanentJobError(
        error.message,
        'handsbot could not read the repository: its access was refused.',
        {
          cause: error,
        },
      );
    case 'not-found':
      return new PermanentJobError(error.message, 'The branch or commit to work on was not found.', {
        cause: error,
      });
    default:
      return error;
  }
}

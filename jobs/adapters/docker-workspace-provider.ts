import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type Dockerode from 'dockerode';
import type { Logger } from 'pino';
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
import type { PreparedWorkspace, WorkspaceProvider } from '../run-ports.js';

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

      let baseCommit: string;
      const reuse = resume && existsSync(path.join(checkoutDir, '.git'));
      if (reuse) {
        baseCommit = await readHead(options, remoteUrl, ref, data.installationId, signal);
        log.info('resuming in the checkout this worker kept');
      } else {
        await rm(checkoutDir, { recursive: true, force: true });
        await mkdir(options.checkoutsDir, { recursive: true });
        const token = await options.installationToken(data.installationId);
        try {
          const provisioned = await options.mirrors.provision({
            url: remoteUrl,
            ref,
            dest: checkoutDir,
            token,
            signal,
          });
          baseCommit = provisioned.commit;
        } catch (error) {
          throw classifyGitFailure(error);
        }
      }

      if (resume) {
        // This worker holds the run now: a sandbox, relay or network of it is a dead worker's, and
        // the network's name would clash with the one made below.
        const removed = await removeRunSandboxes(options.docker, runId);
        await reapEgress({ docker: options.docker, logger: log, isActive: (id) => id !== runId });
        if (removed.length > 0)
          log.warn({ removed }, 'removed the sandbox a stopped worker left for this run');
      }

      let workspace: Workspace | undefined;
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
      try {
        workspace = await createDockerWorkspace({
          docker: options.docker,
          image,
          runId,
          hostCheckoutDir: checkoutDir,
          repoName: name,
          labels: { repository: `${owner}/${name}`, worker: options.workerId },
          network: egress.networkMode,
          dns: egress.dns,
          env: egress.env,
          signal,
          ...(options.limits ? { limits: options.limits } : {}),
        });
      } catch (error) {
        await egress.release();
        throw classifyContainmentFailure(error);
      }
      const opened = workspace;
      let preparation: Preparation = {};
      try {
        // Read from the base branch in the mirror: for a PR run, never from the untrusted head.
        preparation = await prepareRepository(options, opened, {
          url: remoteUrl,
          baseRef: task.defaultBranch ?? ref,
          installationId: data.installationId,
          runSetup: !reuse,
          ...(task.repoSettings?.setupScript ? { setupScriptPath: task.repoSettings.setupScript } : {}),
          signal,
        });
      } catch (error) {
        await opened.close();
        await egress.release();
        throw error;
      }
      return {
        workspace: opened,
        checkoutDir,
        remoteUrl,
        baseCommit,
        ...(resume && !reuse ? { freshCheckoutOnResume: true } : {}),
        ...preparation,
        async release({ final }) {
          // The container goes before its network; the checkout stays for a run that will resume.
          await opened.close();
          await egress.release();
          if (final) await rm(checkoutDir, { recursive: true, force: true });
        },
      };
    },
  };
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

import { randomBytes } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import type Dockerode from 'dockerode';
import { assertSandboxDnsContained, type SandboxDns } from '../network/sandbox-dns.js';
import { buildShellEnv } from '../shell-env.js';
import { createShellSession, type ShellSessionOptions } from '../shell-session.js';
import type { ExecOptions, ExecResult, ShellSession, Workspace } from '../workspace.js';
import { buildContainerConfig, SANDBOX_HOME } from './build-container-config.js';
import { createContainerFiles, toContainerPath } from './container-files.js';
import { containerGitDiff } from './container-git-diff.js';
import type { SandboxLabels } from './container-labels.js';
import { spawnDockerShell } from './docker-shell-process.js';
import { OOM_NOTE, runSandboxCommand } from './run-sandbox-command.js';
import { SandboxContainer, SandboxUnavailableError } from './sandbox-container.js';
import { resolveSandboxLimits, type SandboxLimits } from './sandbox-limits.js';
import { prepareSandboxUser } from './sandbox-user.js';

export interface DockerWorkspaceOptions {
  docker: Dockerode;
  image: string;
  runId: string;
  /** The run's checkout on the worker host, mounted read-write at `/workspace/<repoName>`. */
  hostCheckoutDir: string;
  /** The folder name under /workspace (the repository's name). */
  repoName: string;
  labels: SandboxLabels;
  limits?: Partial<SandboxLimits>;
  /** A Docker network name; `none` (no network at all) unless given. */
  network?: string;
  /**
   * `closed` unless given: `engine` only for a network with a way out (`open`). On an internal network
   * of an engine with CVE-2024-29018, `engine` is refused.
   */
  dns?: SandboxDns;
  /** Extra environment for the container. Never a secret: the agent can print all of it. */
  env?: Readonly<Record<string, string>>;
  /** Cancels the run: the container is removed as soon as it fires. */
  signal?: AbortSignal;
  /** RLIMIT_FSIZE in the container (see `ContainerConfigInput.maxFileBytes`). */
  maxFileBytes?: number;
  /** Tuning of the persistent shell (tests use a short soft timeout). */
  shell?: Omit<ShellSessionOptions, 'spawn' | 'initialCwd'>;
}

export interface DockerWorkspace extends Workspace {
  readonly kind: 'docker';
  readonly containerId: string;
  readonly hostCheckoutDir: string;
  readonly limits: Readonly<SandboxLimits>;
}

/** After the run's time the worker kills the container; its own init stops it this much later. */
const DEADLINE_BACKSTOP_MS = 60_000;

/**
 * One container per run from `image`, the checkout bind-mounted at `/workspace/<repo>` (the root the
 * agent sees), every command run as an unprivileged user. The container is removed by `close()`, by
 * the abort signal, or by the reaper if the worker dies; it is killed when the run's time is up.
 */
export async function createDockerWorkspace(options: DockerWorkspaceOptions): Promise<DockerWorkspace> {
  if (!/^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(options.repoName)) {
    throw new RangeError(`Invalid repository folder name: ${JSON.stringify(options.repoName)}`);
  }
  options.signal?.throwIfAborted();
  const limits = resolveSandboxLimits(options.limits);
  const hostCheckoutDir = await realpath(options.hostCheckoutDir);
  const root = `/workspace/${options.repoName}`;
  const network = options.network ?? 'none';
  const dns = options.dns ?? 'closed';
  await assertSandboxDnsContained(options.docker, network, dns);
  const user = await prepareSandboxUser(hostCheckoutDir);
  const userSpec = `${user.uid}:${user.gid}`;
  const config = buildContainerConfig({
    image: options.image,
    name: `handsbot-${options.runId.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 40)}-${randomBytes(3).toString('hex')}`,
    runId: options.runId,
    labels: options.labels,
    hostCheckoutDir,
    root,
    user: userSpec,
    env: sandboxEnv(options.env),
    limits,
    network,
    dns,
    deadline: Date.now() + limits.runTimeoutMs + DEADLINE_BACKSTOP_MS,
    ...(options.maxFileBytes === undefined ? {} : { maxFileBytes: options.maxFileBytes }),
  });
  let container: Dockerode.Container;
  try {
    container = await options.docker.createContainer(config);
  } catch (error) {
    await user.release();
    throw error;
  }
  try {
    await container.start();
    options.signal?.throwIfAborted();
  } catch (error) {
    await container.remove({ force: true }).catch(() => undefined);
    await user.release();
    throw error;
  }

  const sandbox = new SandboxContainer(container, userSpec);
  const session = createShellSession({
    ...options.shell,
    initialCwd: root,
    spawn: () => spawnDockerShell(sandbox, root),
  });
  const shell = guardShell(session, sandbox, limits);
  const files = createContainerFiles(sandbox, root);

  let closing: Promise<void> | null = null;
  const shutdown = (reason: SandboxUnavailableError) => {
    closing ??= (async () => {
      clearTimeout(runTimer);
      options.signal?.removeEventListener('abort', onAbort);
      sandbox.retire(reason);
      try {
        await container.remove({ force: true }).catch((error: unknown) => {
          if (statusCode(error) !== 404) throw error;
        });
      } finally {
        await session.close();
        await user.release();
      }
    })();
    return closing;
  };
  const onAbort = () =>
    void shutdown(new SandboxUnavailableError('cancelled', 'The run was cancelled.')).catch(() => {});
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const runTimer = setTimeout(() => {
    sandbox.retire(
      new SandboxUnavailableError('run-timeout', `The run's time (${limits.runTimeoutMs} ms) is up.`),
    );
    // Killed, not removed: the job still reports, and close() removes it.
    void container.kill().catch(() => undefined);
  }, limits.runTimeoutMs);
  runTimer.unref();

  return {
    kind: 'docker',
    root,
    containerId: container.id,
    hostCheckoutDir,
    limits,
    shell: () => shell,
    async exec(command: string, execOptions: ExecOptions = {}): Promise<ExecResult> {
      const cwd = execOptions.cwd === undefined ? root : toContainerPath(root, execOptions.cwd);
      return runSandboxCommand(sandbox, command, {
        cwd,
        timeoutMs: execOptions.timeoutMs ?? limits.execTimeoutMs,
        ...(execOptions.signal === undefined ? {} : { signal: execOptions.signal }),
      });
    },
    ...files,
    diff: () => containerGitDiff(sandbox, root),
    close: () => shutdown(new SandboxUnavailableError('closed', 'The workspace is closed.')),
  };
}

/**
 * The container's whole environment, built from fixed values and never from the worker's: the
 * worker holds the app's key, tokens and LLM keys.
 */
function sandboxEnv(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const base = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: SANDBOX_HOME,
    USER: 'agent',
    LOGNAME: 'agent',
    LANG: 'C.UTF-8',
    TMPDIR: '/tmp',
  };
  return buildShellEnv(base, extra);
}

/**
 * The terminal's hard timeout capped by the limits, and a command killed by the OOM killer said to
 * be so (bash only prints "Killed", which reads like someone else's doing).
 */
function guardShell(session: ShellSession, sandbox: SandboxContainer, limits: SandboxLimits): ShellSession {
  return {
    async run(options) {
      const capped =
        options.timeoutMs === undefined
          ? options
          : { ...options, timeoutMs: Math.min(options.timeoutMs, limits.maxCommandTimeoutMs) };
      const result = await session.run(capped);
      if (result.exitCode === 137 && (await sandbox.oomKilledSinceLastCheck())) {
        return { ...result, output: `${result.output.replace(/\n?$/, '\n')}${OOM_NOTE}` };
      }
      return result;
    },
    reset: () => session.reset(),
    close: () => session.close(),
  };
}

function statusCode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('statusCode' in error)) return undefined;
  return typeof error.statusCode === 'number' ? error.statusCode : undefined;
}

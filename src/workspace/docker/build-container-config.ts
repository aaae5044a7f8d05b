import type { ContainerCreateOptions } from 'dockerode';
import { dnsHostConfig, type SandboxDns } from '../network/sandbox-dns.js';
import { LABELS, type SandboxLabels } from './container-labels.js';
import type { SandboxLimits } from './sandbox-limits.js';

export interface ContainerConfigInput {
  image: string;
  name: string;
  runId: string;
  labels: SandboxLabels;
  hostCheckoutDir: string;
  /** Where the checkout appears in the container: `/workspace/<repo>`. */
  root: string;
  /** `uid:gid` the container's processes run as (never 0). */
  user: string;
  env: Readonly<Record<string, string>>;
  limits: SandboxLimits;
  network: string;
  /** How the sandbox resolves names; `closed` (no resolver but its own loopback) unless told. */
  dns?: SandboxDns;
  /** Epoch ms: the container's own init stops it then, even if the worker is gone. */
  deadline: number;
  /**
   * The largest file a process may write (RLIMIT_FSIZE), where the checkout is no filesystem of its
   * own: one big file stops at the disk limit at once, not at the watchdog's next measurement.
   */
  maxFileBytes?: number;
}

export const SANDBOX_HOME = '/home/agent';

/**
 * The container of one run. Everything that confines it is here, in one reviewable place: no
 * capabilities, no privilege gain, a read-only image with writable tmpfs /tmp and HOME and the
 * bind-mounted checkout, memory without swap, CPU and process caps, and the network the caller chose
 * (`none` unless told otherwise) with DNS closed unless the caller opens it.
 */
export function buildContainerConfig(input: ContainerConfigInput): ContainerCreateOptions {
  const { limits } = input;
  const [uid, gid] = input.user.split(':');
  return {
    name: input.name,
    Image: input.image,
    // PID 1 sleeps until the run's deadline; when it ends, the engine stops the container and kills
    // everything in it, so a run outlives neither its time nor a crashed worker for long. The
    // deadline is absolute so that a restarted container does not start the countdown afresh.
    Cmd: [
      'sh',
      '-c',
      'exec sleep "$(( $1 / 1000 - $(date +%s) ))"',
      'sandbox-deadline',
      String(input.deadline),
    ],
    User: input.user,
    WorkingDir: input.root,
    Env: Object.entries(input.env).map(([key, value]) => `${key}=${value}`),
    Hostname: 'sandbox',
    Labels: {
      ...input.labels.extra,
      [LABELS.sandbox]: 'true',
      [LABELS.runId]: input.runId,
      [LABELS.repository]: input.labels.repository,
      [LABELS.worker]: input.labels.worker,
      [LABELS.checkout]: input.hostCheckoutDir,
      [LABELS.deadline]: String(input.deadline),
    },
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    Tty: false,
    OpenStdin: false,
    NetworkDisabled: input.network === 'none',
    HostConfig: {
      // tini as PID 1's parent reaps orphans, which would otherwise pile up as zombies and eat the
      // pids limit.
      Init: true,
      NetworkMode: input.network,
      ...dnsHostConfig(input.dns ?? 'closed'),
      Mounts: [{ Type: 'bind', Source: input.hostCheckoutDir, Target: input.root, ReadOnly: false }],
      Tmpfs: {
        '/tmp': `rw,nosuid,nodev,size=${limits.tmpBytes},mode=1777`,
        [SANDBOX_HOME]: `rw,nosuid,nodev,size=${limits.homeBytes},uid=${uid},gid=${gid},mode=0700`,
      },
      ReadonlyRootfs: true,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      Memory: limits.memoryBytes,
      MemorySwap: limits.memoryBytes,
      NanoCpus: Math.round(limits.cpus * 1e9),
      PidsLimit: limits.pids,
      Ulimits: [
        { Name: 'nofile', Soft: limits.openFiles, Hard: limits.openFiles },
        ...(input.maxFileBytes === undefined
          ? []
          : [{ Name: 'fsize', Soft: input.maxFileBytes, Hard: input.maxFileBytes }]),
      ],
      IpcMode: 'private',
      // Nothing useful is printed by `sleep`; no log file grows on the host.
      LogConfig: { Type: 'none', Config: {} },
      RestartPolicy: { Name: 'no' },
      AutoRemove: false,
    },
  };
}

import type { Container } from 'dockerode';
import { collectExec, type ExecOutput, type StartedExec, startExec } from './container-exec.js';

/** The container can no longer run anything: the run was closed, cancelled or ran out of time. */
export class SandboxUnavailableError extends Error {
  override readonly name = 'SandboxUnavailableError';
  constructor(
    readonly reason: 'closed' | 'cancelled' | 'run-timeout',
    message: string,
  ) {
    super(message);
  }
}

const KILL_TIMEOUT_MS = 5_000;
/** File access, diff and cgroup reads; generous, as a big diff or file on a loaded host takes time. */
const HELPER_TIMEOUT_MS = 120_000;

/**
 * One run's container and the few things done to it from outside: start processes as the sandbox
 * user, kill a process session, restart it when nothing can be started any more, read its OOM count.
 * Every process started here is a session leader (runc makes each exec one), so its pid is also its
 * process group and session id inside the container.
 */
export class SandboxContainer {
  private unavailable: SandboxUnavailableError | null = null;
  private restarting: Promise<void> | null = null;
  private oomKillsSeen = 0;

  constructor(
    readonly container: Container,
    /** `uid:gid` of the sandbox user. */
    readonly user: string,
  ) {}

  get id(): string {
    return this.container.id;
  }

  /** Marks the container as gone for good; later calls fail with this error. */
  retire(error: SandboxUnavailableError): void {
    this.unavailable ??= error;
  }

  async start(cmd: string[], options: { workingDir?: string; stdin?: boolean } = {}): Promise<StartedExec> {
    await this.ready();
    return startExec(this.container, { cmd, user: this.user, ...options });
  }

  async collect(
    cmd: string[],
    options: { workingDir?: string; input?: string | Buffer; timeoutMs?: number } = {},
  ): Promise<ExecOutput> {
    await this.ready();
    const spec = { cmd, user: this.user, ...(options.workingDir ? { workingDir: options.workingDir } : {}) };
    return collectExec(this.container, spec, {
      timeoutMs: options.timeoutMs ?? HELPER_TIMEOUT_MS,
      ...(options.input === undefined ? {} : { input: options.input }),
    });
  }

  /** C-c as a terminal would send it: to the process group of the shell, i.e. its foreground job. */
  async signalGroup(pgid: number, signal: 'SIGINT' | 'SIGQUIT'): Promise<void> {
    await this.collect(['bash', '-c', 'kill -s "$1" -- "-$2"', 'handsbot-signal', signal, String(pgid)], {
      timeoutMs: KILL_TIMEOUT_MS,
    });
  }

  /**
   * SIGKILLs a session and everything in it. When even that cannot start (a fork bomb holds every
   * pid the container may have, so no new process can be made), the container is restarted: the
   * engine kills through the cgroup, and the checkout survives on the host.
   */
  async killSession(sid: number): Promise<void> {
    if (this.unavailable) return;
    // `kill` is a builtin and pkill replaces the shell: the kill itself needs one pid only.
    const cmd = [
      'bash',
      '-c',
      'kill -KILL -- "-$1" 2>/dev/null; exec pkill -KILL -s "$1"',
      'handsbot-kill',
      `${sid}`,
    ];
    const killed = await this.collect(cmd, { timeoutMs: KILL_TIMEOUT_MS }).catch(() => null);
    // pkill exits 1 when nothing was left to kill; anything else means the kill did not run.
    if (killed && (killed.exitCode === 0 || killed.exitCode === 1)) return;
    await this.restart();
  }

  /** Kills everything in the container and starts it again (same filesystem, fresh processes). */
  restart(): Promise<void> {
    this.restarting ??= (async () => {
      try {
        await this.container.kill().catch(() => undefined);
        await this.container.wait({ condition: 'not-running' }).catch(() => undefined);
        if (!this.unavailable) await this.container.start();
      } finally {
        this.restarting = null;
      }
    })();
    return this.restarting;
  }

  /**
   * Whether the kernel's OOM killer struck since the last call: a process killed with exit 137 may
   * have hit the memory limit or been SIGKILLed by someone, and only the cgroup knows which.
   */
  async oomKilledSinceLastCheck(): Promise<boolean> {
    // cgroup v2 has memory.events, v1 memory.oom_control; both count `oom_kill`.
    const cmd = [
      'sh',
      '-c',
      'cat /sys/fs/cgroup/memory.events 2>/dev/null || cat /sys/fs/cgroup/memory/memory.oom_control',
    ];
    const read = await this.collect(cmd, { timeoutMs: KILL_TIMEOUT_MS }).catch(() => null);
    const match = read ? /oom_kill (\d+)/.exec(read.stdout.toString('utf8')) : null;
    if (!match) return false;
    const count = Number(match[1]);
    const struck = count > this.oomKillsSeen;
    this.oomKillsSeen = count;
    return struck;
  }

  private async ready(): Promise<void> {
    if (this.restarting) await this.restarting;
    if (this.unavailable) throw this.unavailable;
  }
}

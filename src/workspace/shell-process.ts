import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { killSession, sendSignal } from './process-tree.js';

/**
 * The one thing the shell session needs from wherever the shell runs: a bash on the host here, a
 * `docker exec -i` duplex stream for the Docker workspace. Keeping it this small is what lets the same
 * session logic drive both.
 */
export interface ShellProcess {
  readonly stdin: Writable;
  readonly stdout: Readable;
  /** Only the shell's start-up chatter (the session merges stderr into stdout); null if none. */
  readonly stderr: Readable | null;
  /**
   * Sends a signal to the shell's foreground process group, as a terminal's C-c would: the running
   * command gets it, the interactive shell survives it, background jobs ignore SIGINT.
   */
  signal(name: 'SIGINT' | 'SIGQUIT'): void;
  /** Kills the shell and everything it started. */
  kill(): Promise<void>;
  /** Resolves with the exit code (128+n for a signal) when the shell is gone. */
  readonly exited: Promise<number>;
}

export interface LocalShellOptions {
  cwd: string;
  env: Readonly<Record<string, string>>;
}

/**
 * `bash -i` over pipes: interactive so that PROMPT_COMMAND runs after every command line, even one
 * cut short by C-c (a non-interactive shell abandons the line and the sentinel with it), and so that
 * SIGINT interrupts the command rather than killing the shell. `--noediting` keeps readline from
 * echoing our input back. Without a tty bash has no job control, so commands run in the shell's own
 * process group and signalling that group reaches exactly what a terminal's C-c would.
 */
export function spawnLocalShell(options: LocalShellOptions): ShellProcess {
  const child = spawn('bash', ['--noprofile', '--norc', '--noediting', '-i'], {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 + constants.signals[signal] : -1)));
    child.once('error', () => resolve(-1));
  });
  // Writes to a shell that just died must not crash the worker.
  child.stdin.on('error', () => {});
  return {
    stdin: child.stdin,
    stdout: child.stdout,
    stderr: child.stderr,
    exited,
    signal(name) {
      if (pid !== undefined) sendSignal(-pid, name);
    },
    async kill() {
      if (pid === undefined) return;
      await killSession(pid);
      await exited;
    },
  };
}

import { PassThrough } from 'node:stream';
import type { ShellProcess } from '../shell-process.js';
import { readPidLine } from './read-pid-line.js';
import type { SandboxContainer } from './sandbox-container.js';

/**
 * The shell prints its pid on stderr, then replaces itself with the interactive bash (same pid).
 * Everything else about the shell is as on the host (see `spawnLocalShell`): interactive for
 * PROMPT_COMMAND and C-c semantics, `--noediting` so nothing is echoed, no tty so commands run in
 * the shell's own process group, which is the group a C-c must reach.
 */
const SHELL_COMMAND = [
  'bash',
  '--noprofile',
  '--norc',
  '-c',
  'printf "%s\\n" "$$" >&2; exec bash --noprofile --norc --noediting -i',
];

/** How long `kill()` waits for the exec to report its end before giving up on it. */
const EXIT_WAIT_MS = 5_000;

/**
 * The persistent shell of the `terminal` tool as a `docker exec` with stdin attached. It is returned
 * at once (the session writes its init script straight away) and wired to the exec when that has
 * started; a start failure reads as a shell that printed the reason and exited.
 */
export function spawnDockerShell(sandbox: SandboxContainer, cwd: string): ShellProcess {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  // The session may write to a shell that just died; that must not crash the worker.
  stdin.on('error', () => {});
  let resolvePid: (pid: number | null) => void = () => {};
  const pid = new Promise<number | null>((resolve) => {
    resolvePid = resolve;
  });
  let destroyStream = () => {};
  const exited = sandbox.start(SHELL_COMMAND, { workingDir: cwd, stdin: true }).then(
    (started) => {
      stdin.pipe(started.stream);
      started.stdout.pipe(stdout);
      destroyStream = () => started.stream.destroy();
      readPidLine(started.stderr).then(resolvePid, () => resolvePid(null));
      return started.exited;
    },
    (error: unknown) => {
      resolvePid(null);
      stdout.end(
        `The sandbox shell could not start: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      return -1;
    },
  );
  // Once the shell is gone nobody will learn its pid.
  void exited.then(() => resolvePid(null));
  return {
    stdin,
    stdout,
    stderr: null,
    exited,
    signal(name) {
      void pid
        .then((shellPid) => (shellPid === null ? undefined : sandbox.signalGroup(shellPid, name)))
        .catch(() => {});
    },
    async kill() {
      const shellPid = await pid;
      if (shellPid !== null) await sandbox.killSession(shellPid);
      // Closing the connection closes the shell's stdin too: an interactive bash exits on EOF.
      destroyStream();
      stdin.destroy();
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, EXIT_WAIT_MS).unref())]);
    },
  };
}

import { StringDecoder } from 'node:string_decoder';
import type { ExecResult } from '../workspace.js';
import { readPidLine } from './read-pid-line.js';
import type { SandboxContainer } from './sandbox-container.js';

export interface SandboxCommandOptions {
  /** Container path the command starts in. */
  cwd: string;
  timeoutMs: number;
  signal?: AbortSignal;
  maxOutputChars?: number;
}

/**
 * The shell prints its pid (= its session id) on stderr before anything else, then merges stderr
 * into stdout so the output keeps the order it was printed in; stdin is closed.
 */
const WRAPPER = 'printf "%s\\n" "$$" >&2; exec 2>&1 </dev/null; eval "$1"';

/**
 * A one-off command in the container (`Workspace.exec`): `bash -c` as the sandbox user. A timeout or
 * an abort kills the command's whole session inside the container, like `execCommand` on the host.
 */
export async function runSandboxCommand(
  sandbox: SandboxContainer,
  command: string,
  options: SandboxCommandOptions,
): Promise<ExecResult> {
  options.signal?.throwIfAborted();
  const maxOutputChars = options.maxOutputChars ?? 5_000_000;
  const started = await sandbox.start(
    ['bash', '--noprofile', '--norc', '-c', WRAPPER, 'handsbot-exec', command],
    {
      workingDir: options.cwd,
    },
  );
  const pid = readPidLine(started.stderr);
  const decoder = new StringDecoder('utf8');
  let output = '';
  let dropped = 0;
  started.stdout.on('data', (chunk: Buffer) => {
    const text = decoder.write(chunk);
    const room = Math.max(0, maxOutputChars - output.length);
    output += text.slice(0, room);
    dropped += Math.max(0, text.length - room);
  });
  let timedOut = false;
  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= pid.then(async (sid) => {
      if (sid !== null) await sandbox.killSession(sid);
      started.stream.destroy();
    });
  };
  const timer = setTimeout(() => {
    timedOut = true;
    stop();
  }, options.timeoutMs);
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    const exitCode = await started.exited;
    await stopping;
    const notes: string[] = [];
    if (dropped > 0) notes.push(`[... ${dropped} more characters of output dropped ...]`);
    if (exitCode === 137 && !timedOut && (await sandbox.oomKilledSinceLastCheck())) notes.push(OOM_NOTE);
    return { exitCode, output: output + notes.map((note) => `\n${note}`).join(''), timedOut };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', stop);
  }
}

export const OOM_NOTE =
  '[The command was killed because the sandbox ran out of memory (exit code 137). Use less memory, e.g. fewer parallel jobs or smaller inputs.]';

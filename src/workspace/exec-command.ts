import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { killSession } from './process-tree.js';
import type { ExecResult } from './workspace.js';

export interface ExecCommandOptions {
  cwd: string;
  env: Readonly<Record<string, string>>;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Output kept; the rest is dropped with a marker (setup scripts can be chatty). */
  maxOutputChars?: number;
}

/**
 * Runs one command with `bash -c` in its own session, stdin closed, stdout and stderr merged in the
 * order they were printed. A timeout or an abort kills the whole session, grandchildren included.
 */
export function execCommand(command: string, options: ExecCommandOptions): Promise<ExecResult> {
  const maxOutputChars = options.maxOutputChars ?? 5_000_000;
  return new Promise((resolve) => {
    const child = spawn(
      'bash',
      ['--noprofile', '--norc', '-c', 'exec 2>&1\neval "$1"', 'handsbot-exec', command],
      {
        cwd: options.cwd,
        env: options.env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    let dropped = 0;
    let timedOut = false;
    const collect = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      const room = maxOutputChars - output.length;
      output += text.slice(0, Math.max(0, room));
      dropped += Math.max(0, text.length - Math.max(0, room));
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const stop = () => {
      if (child.pid !== undefined) void killSession(child.pid);
    };
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            stop();
          }, options.timeoutMs);
    options.signal?.addEventListener('abort', stop, { once: true });
    if (options.signal?.aborted) stop();
    const done = (exitCode: number) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', stop);
      const note = dropped > 0 ? `\n[... ${dropped} more characters of output dropped ...]` : '';
      resolve({ exitCode, output: output + note, timedOut });
    };
    child.once('error', (error) => {
      output += `${error.message}\n`;
      done(-1);
    });
    child.once('close', (code, signal) => done(code ?? (signal ? 128 + constants.signals[signal] : -1)));
  });
}

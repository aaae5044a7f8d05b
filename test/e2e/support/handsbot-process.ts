import { type CliProcess, startCli } from '../../cli/run-cli.js';

/** One line of a handsbot process's pino output (JSON), or the raw text of a line that was not JSON. */
export interface LogLine {
  readonly level?: number;
  readonly msg?: string;
  readonly [field: string]: unknown;
}

export interface HandsbotProcess {
  readonly command: 'serve' | 'worker' | 'start';
  readonly pid: number;
  /** Everything the process wrote so far, stdout and stderr. */
  output(): string;
  /** Its log lines parsed. */
  logs(): LogLine[];
  /** Resolves with the first log line `match` accepts (already written or still to come). */
  waitForLog(match: (line: LogLine) => boolean, timeoutMs?: number, what?: string): Promise<LogLine>;
  /** SIGTERM and wait for the exit; SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<number | null>;
  /** SIGKILL: the process gets no chance to checkpoint or clean up. */
  kill(): Promise<void>;
  readonly exited: Promise<number | null>;
}

const READY: Record<HandsbotProcess['command'], string> = {
  serve: 'web process ready',
  worker: 'worker ready',
  start: 'web server and worker ready',
};

/**
 * Starts the real `handsbot` CLI (`serve`, `worker` or `start`) as a child process with exactly the
 * environment given, in `cwd` (so no `.env` of the developer's reaches it), and waits until it says
 * it is ready. A process that exits first fails with its output, so a broken start-up shows its own
 * error instead of a timeout.
 */
export async function startHandsbot(
  command: HandsbotProcess['command'],
  env: Record<string, string>,
  options: { cwd: string; readyTimeoutMs?: number },
): Promise<HandsbotProcess> {
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const cli: CliProcess = startCli([command], env, { cwd: options.cwd });
  let exitCode: number | null | undefined;
  void cli.exited.then((code) => {
    exitCode = code;
  });
  const logs = (): LogLine[] => cli.output().split('\n').filter(Boolean).map(parseLine);

  const waitForLog: HandsbotProcess['waitForLog'] = async (
    match,
    timeoutMs = 30_000,
    what = 'a log line',
  ) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = logs().find(match);
      if (found) return found;
      if (exitCode !== undefined) {
        throw new Error(`handsbot ${command} exited (${exitCode}) before ${what}:\n${tail(cli.output())}`);
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what} from handsbot ${command}:\n${tail(cli.output())}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  const process: HandsbotProcess = {
    command,
    pid: cli.child.pid ?? 0,
    output: cli.output,
    logs,
    waitForLog,
    async stop(graceMs = 20_000) {
      if (exitCode !== undefined) return exitCode;
      cli.child.kill('SIGTERM');
      const timer = setTimeout(() => cli.child.kill('SIGKILL'), graceMs);
      try {
        return await cli.exited;
      } finally {
        clearTimeout(timer);
      }
    },
    async kill() {
      if (exitCode !== undefined) return;
      cli.child.kill('SIGKILL');
      await cli.exited;
    },
    exited: cli.exited,
  };
  await waitForLog((line) => line.msg === READY[command], readyTimeoutMs, `"${READY[command]}"`);
  return process;
}

function parseLine(line: string): LogLine {
  try {
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed === 'object' && parsed !== null) return parsed as LogLine;
  } catch {
    // Not JSON: a Node warning or a crash trace, kept as text.
  }
  return { text: line };
}

function tail(text: string, lines = 40): string {
  return text.split('\n').slice(-lines).join('\n');
}

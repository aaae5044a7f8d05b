import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Why the watchdog gave up on a run. */
export type DiskWatchVerdict =
  | { kind: 'exceeded'; usedBytes: number }
  /** Measuring kept failing (an unreadable directory hides what it holds): fail closed. */
  | { kind: 'unmeasurable'; error: unknown };

export interface DiskWatchOptions {
  dir: string;
  limitBytes: number;
  /** Pause between the end of one measurement and the start of the next. */
  intervalMs: number;
  /** Called once: the directory holds more than the limit, or cannot be measured. */
  onStop(verdict: DiskWatchVerdict): void;
}

export interface DiskWatch {
  /** Stops measuring; resolves when no measurement is in progress. */
  stop(): Promise<void>;
}

/** One failed measurement may be a race with a file being removed; this many in a row is not. */
const MAX_FAILURES = 3;

/**
 * The fallback bound when checkouts cannot be filesystems of their own: measures what `dir`
 * allocates on disk (`du`: one filesystem, hard links once) every `intervalMs`, and stops the run the
 * first time it is over the limit. Measurements never overlap, however slow a big tree makes them.
 */
export function watchDiskUsage(options: DiskWatchOptions): DiskWatch {
  let stopped = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  const verdict = (v: DiskWatchVerdict) => {
    stopped = true;
    options.onStop(v);
  };
  const tick = () => {
    current = (async () => {
      try {
        const used = await measureDiskUsage(options.dir);
        failures = 0;
        if (!stopped && used > options.limitBytes) verdict({ kind: 'exceeded', usedBytes: used });
      } catch (error) {
        failures += 1;
        if (!stopped && failures >= MAX_FAILURES) verdict({ kind: 'unmeasurable', error });
      }
      if (!stopped) schedule();
    })();
  };
  const schedule = () => {
    timer = setTimeout(tick, options.intervalMs);
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}

/** Bytes `dir` allocates on its filesystem; fails when any part of it cannot be read. */
export async function measureDiskUsage(dir: string): Promise<number> {
  const { stdout } = await run('du', ['--summarize', '--one-file-system', '--block-size=1', '--', dir], {
    maxBuffer: 1024 * 1024,
  });
  const bytes = Number(stdout.split('\t')[0]);
  if (!Number.isSafeInteger(bytes)) throw new Error(`du printed no size for ${dir}: ${stdout.trim()}`);
  return bytes;
}

import { spawn } from 'node:child_process';

export type LockMode = 'shared' | 'exclusive';

/** A held lock; `release` is idempotent. */
export interface HeldLock {
  release(): Promise<void>;
}

/** flock(1) exits with this when `-n` finds the lock taken (chosen so it cannot mean anything else). */
const CONFLICT = 75;

/**
 * A cross-process lock on `file` through flock(2), held by a small `flock` child process whose stdin
 * is a pipe from us. The kernel drops the lock when that child exits, and the child exits when the
 * pipe closes, so a worker that crashes or is SIGKILLed never leaves a stale lock behind (a PID file
 * would). Resolves to `null` when `wait` is false and someone else holds a conflicting lock.
 *
 * The lock file is never deleted: a process blocked on the old inode would otherwise lock a file
 * nobody else can see.
 */
export function acquireFileLock(
  file: string,
  mode: LockMode,
  options: { wait: boolean; signal?: AbortSignal | undefined },
): Promise<HeldLock | null> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  const args = [mode === 'shared' ? '-s' : '-x', '-E', String(CONFLICT)];
  if (!options.wait) args.push('-n');
  // `read` returns at EOF on stdin: when we release, or when this process dies.
  args.push(file, 'sh', '-c', 'echo locked; read -r _ || true');
  const child = spawn('flock', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  // Writing to the pipe of a child that died is reported on stdin; its exit is handled below.
  child.stdin.on('error', () => undefined);
  const exited = new Promise<number | null>((resolve) => {
    child.once('close', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });

  return new Promise<HeldLock | null>((resolve, reject) => {
    let stderr = '';
    let settled = false;
    const onAbort = () => {
      if (settled) return;
      settled = true;
      child.kill('SIGKILL');
      reject(abortError(signal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => signal?.removeEventListener('abort', onAbort);

    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.stdout.once('data', () => {
      if (settled) return;
      settled = true;
      done();
      let released: Promise<void> | undefined;
      resolve({
        release() {
          released ??= (async () => {
            child.stdin.end();
            await exited;
          })();
          return released;
        },
      });
    });
    void exited.then((code) => {
      if (settled) return;
      settled = true;
      done();
      if (code === CONFLICT) resolve(null);
      else reject(new Error(`could not lock ${file} (flock exit ${code}): ${stderr.trim()}`));
    });
  });
}

function abortError(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new Error('aborted while waiting for a lock');
}

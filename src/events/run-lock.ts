import { open, readFile, stat, unlink } from 'node:fs/promises';
import { RunLockedError } from './event-store-errors.js';

/**
 * The cross-process writer lock of one run: a file created with O_EXCL holding the writer's pid. It is
 * stale when that pid is dead, or when it is our own pid but this process does not hold it (a restarted
 * container reuses small pids). Breaking a stale lock happens under a second O_EXCL file so two
 * processes that both saw the same stale lock cannot both take the run. One host only: pids mean
 * nothing across machines sharing a volume.
 */
export interface RunLock {
  release(): Promise<void>;
}

// Lock paths this process holds, across every store instance in it.
const heldLocks = new Set<string>();

// A break file older than this was left by a process that died mid-break (a window of microseconds).
const STALE_BREAK_MS = 10_000;
// An empty lock file is a writer between open and write; only treat it as stale once it is old.
const STALE_EMPTY_MS = 10_000;

export async function acquireRunLock(runId: string, lockPath: string): Promise<RunLock> {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await tryCreate(lockPath)) {
      heldLocks.add(lockPath);
      return {
        async release() {
          heldLocks.delete(lockPath);
          await unlink(lockPath).catch(ignoreMissing);
        },
      };
    }
    const observed = await readLock(lockPath);
    if (observed === undefined) continue; // released meanwhile: try again
    if (await isHeld(lockPath, observed)) throw new RunLockedError(runId, lockPath, observed.pid);
    await breakStaleLock(runId, lockPath, observed.text);
  }
  const last = await readLock(lockPath);
  throw new RunLockedError(runId, lockPath, last?.pid);
}

async function tryCreate(path: string): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'wx');
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(`${process.pid}\n`);
  } finally {
    await handle.close();
  }
  return true;
}

interface ObservedLock {
  text: string;
  pid: number | undefined;
  ageMs: number;
}

async function readLock(path: string): Promise<ObservedLock | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    const pid = /^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined;
    return { text, pid, ageMs: Date.now() - info.mtimeMs };
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

async function isHeld(path: string, lock: ObservedLock): Promise<boolean> {
  if (lock.pid === undefined) return lock.ageMs < STALE_EMPTY_MS;
  if (lock.pid === process.pid) return heldLocks.has(path);
  try {
    process.kill(lock.pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else, so the lock is live.
    return errorCode(error) !== 'ESRCH';
  }
}

async function breakStaleLock(runId: string, lockPath: string, staleText: string): Promise<void> {
  const breakPath = `${lockPath}.break`;
  if (!(await tryCreate(breakPath))) {
    const breaker = await readLock(breakPath);
    if (breaker !== undefined && breaker.ageMs < STALE_BREAK_MS) {
      throw new RunLockedError(runId, lockPath, breaker.pid);
    }
    await unlink(breakPath).catch(ignoreMissing);
    return; // the caller loops and tries again from the start
  }
  try {
    // Re-read under the break lock: another process may have broken it and taken the run already.
    const current = await readLock(lockPath);
    if (current?.text === staleText) await unlink(lockPath).catch(ignoreMissing);
  } finally {
    await unlink(breakPath).catch(ignoreMissing);
  }
}

function ignoreMissing(error: unknown): void {
  if (errorCode(error) !== 'ENOENT') throw error;
}

export function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}

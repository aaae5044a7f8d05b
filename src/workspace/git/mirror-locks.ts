import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { acquireFileLock, type HeldLock, type LockMode } from './file-lock.js';
import { KeyedReadWriteLock } from './read-write-lock.js';

/** `<repo>.git` is locked through `<repo>.git.lock` beside it (outside the repository, so git never sees it). */
export function lockFileOf(mirrorPath: string): string {
  return `${mirrorPath}.lock`;
}

/**
 * A mirror's lock: shared for reading it (making a checkout, `git show`), exclusive for changing it
 * (create, fetch, evict). Taken in-process first, so work inside one worker queues without spawning,
 * then across processes through a lock file, so two workers on one host do not collide.
 */
export class MirrorLocks {
  private readonly local = new KeyedReadWriteLock();

  async acquire(mirrorPath: string, mode: LockMode, signal?: AbortSignal): Promise<HeldLock> {
    const releaseLocal = await this.local.acquire(mirrorPath, mode, signal);
    try {
      await mkdir(path.dirname(mirrorPath), { recursive: true });
      const file = await acquireFileLock(lockFileOf(mirrorPath), mode, { wait: true, signal });
      if (file === null) throw new Error('a waiting flock returned without the lock');
      return combine(file, releaseLocal);
    } catch (err) {
      releaseLocal();
      throw err;
    }
  }

  /** Exclusive, without waiting: null when anyone in this or another process holds or awaits it. */
  async tryAcquireExclusive(mirrorPath: string): Promise<HeldLock | null> {
    const releaseLocal = this.local.tryAcquire(mirrorPath, 'exclusive');
    if (releaseLocal === null) return null;
    try {
      const file = await acquireFileLock(lockFileOf(mirrorPath), 'exclusive', { wait: false });
      if (file === null) {
        releaseLocal();
        return null;
      }
      return combine(file, releaseLocal);
    } catch (err) {
      releaseLocal();
      throw err;
    }
  }

  /** Held or awaited in this process (other processes are asked through the lock file). */
  isBusy(mirrorPath: string): boolean {
    return this.local.isBusy(mirrorPath);
  }
}

function combine(file: HeldLock, releaseLocal: () => void): HeldLock {
  let released: Promise<void> | undefined;
  return {
    release() {
      released ??= file.release().finally(releaseLocal);
      return released;
    },
  };
}

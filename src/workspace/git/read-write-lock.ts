import type { LockMode } from './file-lock.js';

interface Waiter {
  mode: LockMode;
  grant: () => void;
}

interface KeyState {
  readers: number;
  writer: boolean;
  queue: Waiter[];
}

/**
 * Readers-writer locks per key inside one process: any number of shared holders or one exclusive
 * holder. Waiters are served in arrival order, and a waiting writer holds back later readers, so a
 * stream of checkouts cannot starve a fetch.
 */
export class KeyedReadWriteLock {
  private readonly keys = new Map<string, KeyState>();

  /** True while anyone holds or waits for `key`. */
  isBusy(key: string): boolean {
    return this.keys.has(key);
  }

  /** Waits for the lock; the returned function releases it (once). */
  acquire(key: string, mode: LockMode, signal?: AbortSignal): Promise<() => void> {
    const state = this.stateOf(key);
    if (state.queue.length === 0 && this.compatible(state, mode)) {
      this.take(state, mode);
      return Promise.resolve(this.releaser(key, mode));
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        mode,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.releaser(key, mode));
        },
      };
      const onAbort = () => {
        state.queue.splice(state.queue.indexOf(waiter), 1);
        this.drain(key, state);
        const reason: unknown = signal?.reason;
        reject(reason instanceof Error ? reason : new Error('aborted while waiting for a lock'));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      state.queue.push(waiter);
    });
  }

  /** Takes the lock only if it is free right now (nobody holding, nobody waiting). */
  tryAcquire(key: string, mode: LockMode): (() => void) | null {
    const state = this.keys.get(key);
    if (state !== undefined) return null;
    this.take(this.stateOf(key), mode);
    return this.releaser(key, mode);
  }

  private stateOf(key: string): KeyState {
    let state = this.keys.get(key);
    if (state === undefined) {
      state = { readers: 0, writer: false, queue: [] };
      this.keys.set(key, state);
    }
    return state;
  }

  private compatible(state: KeyState, mode: LockMode): boolean {
    return mode === 'shared' ? !state.writer : !state.writer && state.readers === 0;
  }

  private take(state: KeyState, mode: LockMode): void {
    if (mode === 'shared') state.readers++;
    else state.writer = true;
  }

  private releaser(key: string, mode: LockMode): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const state = this.keys.get(key);
      if (state === undefined) return;
      if (mode === 'shared') state.readers--;
      else state.writer = false;
      this.drain(key, state);
    };
  }

  private drain(key: string, state: KeyState): void {
    for (let next = state.queue[0]; next !== undefined && this.compatible(state, next.mode); ) {
      state.queue.shift();
      this.take(state, next.mode);
      next.grant();
      next = state.queue[0];
    }
    if (state.readers === 0 && !state.writer && state.queue.length === 0) this.keys.delete(key);
  }
}

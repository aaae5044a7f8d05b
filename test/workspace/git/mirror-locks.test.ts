import { spawn } from 'node:child_process';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireFileLock } from '../../../src/workspace/git/file-lock.js';
import { MirrorLocks } from '../../../src/workspace/git/mirror-locks.js';
import { KeyedReadWriteLock } from '../../../src/workspace/git/read-write-lock.js';

let tmp: string;
beforeEach(async () => {
  tmp = await realpath(await mkdtemp(path.join(tmpdir(), 'handsbot-lock-test-')));
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const tick = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('KeyedReadWriteLock', () => {
  it('lets readers share, makes a writer wait for them, and holds later readers behind a waiting writer', async () => {
    const lock = new KeyedReadWriteLock();
    const order: string[] = [];
    const r1 = await lock.acquire('k', 'shared');
    const r2 = await lock.acquire('k', 'shared');
    const writer = lock.acquire('k', 'exclusive').then((release) => {
      order.push('writer');
      return release;
    });
    const lateReader = lock.acquire('k', 'shared').then((release) => {
      order.push('late reader');
      return release;
    });
    await tick();
    expect(order).toEqual([]);
    r1();
    r2();
    (await writer)();
    (await lateReader)();
    expect(order).toEqual(['writer', 'late reader']);
    expect(lock.isBusy('k')).toBe(false);
  });

  it('an aborted waiter leaves the queue and does not block the rest', async () => {
    const lock = new KeyedReadWriteLock();
    const held = await lock.acquire('k', 'exclusive');
    const controller = new AbortController();
    const aborted = lock.acquire('k', 'exclusive', controller.signal);
    const next = lock.acquire('k', 'shared');
    controller.abort(new Error('cancelled'));
    await expect(aborted).rejects.toThrow('cancelled');
    held();
    (await next)();
    expect(lock.isBusy('k')).toBe(false);
  });
});

describe('acquireFileLock', () => {
  it('excludes across holders, shares shared locks, and reports a conflict without waiting', async () => {
    const file = path.join(tmp, 'm.lock');
    const a = await acquireFileLock(file, 'shared', { wait: true });
    const b = await acquireFileLock(file, 'shared', { wait: false });
    expect(a).not.toBeNull();
    expect(b).not.toBeNull();
    expect(await acquireFileLock(file, 'exclusive', { wait: false })).toBeNull();
    await a?.release();
    await b?.release();
    const c = await acquireFileLock(file, 'exclusive', { wait: false });
    expect(c).not.toBeNull();
    await c?.release();
  });

  it('a lock held by a worker process that is SIGKILLed is released', async () => {
    const file = path.join(tmp, 'm.lock');
    const module = path.resolve('src/workspace/git/file-lock.ts');
    const code = `const { acquireFileLock } = await import(${JSON.stringify(module)});
      await acquireFileLock(${JSON.stringify(file)}, 'exclusive', { wait: true });
      console.log('locked');
      setInterval(() => {}, 1000);`;
    const worker = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise((resolve) => worker.stdout.once('data', resolve));
    expect(await acquireFileLock(file, 'exclusive', { wait: false })).toBeNull();
    worker.kill('SIGKILL');
    const started = Date.now();
    const lock = await acquireFileLock(file, 'exclusive', {
      wait: true,
      signal: AbortSignal.timeout(10_000),
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    await lock?.release();
  });

  it('a wait can be aborted', async () => {
    const file = path.join(tmp, 'm.lock');
    const held = await acquireFileLock(file, 'exclusive', { wait: true });
    const controller = new AbortController();
    const waiting = acquireFileLock(file, 'exclusive', { wait: true, signal: controller.signal });
    await tick();
    controller.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    await held?.release();
  });
});

describe('MirrorLocks', () => {
  it('a second set of locks (another process) waits for an exclusive holder through the lock file', async () => {
    const mirror = path.join(tmp, 'host', 'o', 'r.git');
    const here = new MirrorLocks();
    const there = new MirrorLocks();
    const held = await here.acquire(mirror, 'exclusive');
    expect(here.isBusy(mirror)).toBe(true);
    expect(await there.tryAcquireExclusive(mirror)).toBeNull();
    let got = false;
    const waiting = there.acquire(mirror, 'shared').then((lock) => {
      got = true;
      return lock;
    });
    await tick();
    expect(got).toBe(false);
    await held.release();
    await (await waiting).release();
    expect(got).toBe(true);
  });
});

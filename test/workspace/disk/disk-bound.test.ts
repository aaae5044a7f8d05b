import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';
import { resolveDiskLimit } from '../../../src/config/resolve-run-limits.js';
import {
  type DiskWatchVerdict,
  detectDiskBound,
  formatBytes,
  listHandsbotLoops,
  watchDiskUsage,
} from '../../../src/workspace/disk/index.js';

const MIB = 1024 * 1024;
let tmp: string;

beforeEach(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'handsbot-disk-bound-'));
});

afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('choosing the disk bound', () => {
  it('a root worker where loop mounts work gets filesystems, and its probe leaves nothing behind', async () => {
    expect(process.getuid?.()).toBe(0);
    expect(await detectDiskBound(tmp)).toEqual({ mode: 'filesystem' });
    expect(await readdir(tmp)).toEqual([]);
    expect((await listHandsbotLoops()).filter((l) => l.backingFile.startsWith(tmp))).toEqual([]);
  });

  it('a worker that is not root gets the watchdog, and says why', async () => {
    expect(await detectDiskBound(tmp, 1000)).toEqual({
      mode: 'watchdog',
      reason: 'the worker is not root, so it cannot mount',
    });
  });
});

describe('the disk limit setting', () => {
  const base = { LLM_API_KEY: 'sk-test', HANDSBOT_DATA_DIR: '/tmp/x' };

  it('defaults to 10 GiB, bound automatically, and refuses less than 64 MB', () => {
    expect(loadConfig(base).sandbox.disk).toEqual({ limitBytes: 10_240 * MIB, bound: 'auto' });
    expect(
      loadConfig({ ...base, HANDSBOT_DISK_LIMIT_MB: '512', HANDSBOT_DISK_BOUND: 'watchdog' }).sandbox.disk,
    ).toEqual({ limitBytes: 512 * MIB, bound: 'watchdog' });
    expect(() => loadConfig({ ...base, HANDSBOT_DISK_LIMIT_MB: '10' })).toThrow(/HANDSBOT_DISK_LIMIT_MB/);
    expect(() => loadConfig({ ...base, HANDSBOT_DISK_BOUND: 'quota' })).toThrow(/HANDSBOT_DISK_BOUND/);
  });

  it('a repository may lower it, never raise it', () => {
    expect(resolveDiskLimit(undefined, 1024 * MIB)).toBe(1024 * MIB);
    expect(resolveDiskLimit(256, 1024 * MIB)).toBe(256 * MIB);
    expect(resolveDiskLimit(4096, 1024 * MIB)).toBe(1024 * MIB);
  });

  it('is said in the units people read', () => {
    expect(formatBytes(64 * MIB)).toBe('64 MiB');
    expect(formatBytes(10_240 * MIB)).toBe('10 GiB');
    expect(formatBytes(1536 * MIB)).toBe('1.5 GiB');
  });
});

describe('the watchdog', () => {
  it('stops, failing closed, when the checkout cannot be measured', async () => {
    const verdict = await new Promise<DiskWatchVerdict>((resolve) => {
      watchDiskUsage({
        dir: path.join(tmp, 'missing'),
        limitBytes: 64 * MIB,
        intervalMs: 10,
        onStop: resolve,
      });
    });
    expect(verdict.kind).toBe('unmeasurable');
  });
});

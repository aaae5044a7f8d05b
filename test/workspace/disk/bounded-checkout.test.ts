import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerWorkspaceProvider } from '../../../jobs/adapters/docker-workspace-provider.js';
import {
  FILESYSTEM_DISKS,
  imageOf,
  isMountPoint,
  listHandsbotLoops,
  measureDiskUsage,
  reapCheckoutDisks,
} from '../../../src/workspace/disk/index.js';
import { listMirrors, MirrorCache, pushBranch } from '../../../src/workspace/git/index.js';
import { ISSUE_RUN_DATA, ISSUE_RUN_TASK } from '../../jobs/adapters/provider-fixtures.js';
import { waitFor } from '../../jobs/support.js';
import {
  connectTestDocker,
  listWorkerContainers,
  removeWorkerContainers,
  testWorkerId,
} from '../../support/docker.js';
import { createBuggyRepo } from '../../support/fixture-repo.js';
import { type GitHttpServer, startGitHttpServer } from '../../support/git-http-server.js';

/**
 * Checkouts as filesystems of their own, through the real provider: a sparse ext4 image of the run's
 * limit, loop-mounted at the checkout's folder, bind-mounted into a real sandbox, filled from inside.
 */

const MIB = 1024 * 1024;
const LIMIT = 64 * MIB;
const TOKEN = `ghs_${randomBytes(18).toString('hex')}`;
const worker = testWorkerId();
let server: GitHttpServer;
let tmp: string;
let remoteRoot: string;
let docker: Awaited<ReturnType<typeof connectTestDocker>>;

beforeAll(async () => {
  docker = await connectTestDocker();
  tmp = await mkdtemp(path.join(tmpdir(), 'handsbot-disk-'));
  remoteRoot = path.join(tmp, 'remote');
  await mkdir(path.join(remoteRoot, 'acme'), { recursive: true });
  execFileSync('git', [
    'clone',
    '--quiet',
    '--bare',
    await createBuggyRepo(),
    path.join(remoteRoot, 'acme/widgets.git'),
  ]);
  server = await startGitHttpServer({ root: remoteRoot, token: TOKEN });
});

afterAll(async () => {
  await removeWorkerContainers(docker.docker, worker);
  await server?.close();
  // Whatever a failed test left mounted goes before its folder does.
  await reapCheckoutDisks({ checkoutsDir: path.join(tmp, 'checkouts'), isRunLive: () => false, graceMs: 0 });
  await rm(tmp, { recursive: true, force: true });
});

const data = ISSUE_RUN_DATA;
const task = ISSUE_RUN_TASK;

function mirrors(spareCheckouts = false) {
  return new MirrorCache({
    cacheDir: path.join(tmp, 'mirrors'),
    maxBytes: 1e12,
    spareCheckouts,
    checkouts: { disks: FILESYSTEM_DISKS, bytes: LIMIT },
  });
}

function provider(cache = mirrors(), workerId = worker) {
  return createDockerWorkspaceProvider({
    docker: docker.docker,
    image: docker.image,
    mirrors: cache,
    checkoutsDir: path.join(tmp, 'checkouts'),
    gitBaseUrl: server.url,
    installationToken: async () => TOKEN,
    workerId,
    networkPolicy: { mode: 'none' },
    disk: { limitBytes: LIMIT },
    logger: pino({ level: 'silent' }),
  });
}

const runId = () => `run-${randomBytes(4).toString('hex')}`;
const signal = new AbortController().signal;

/** Loop devices backed by the image of `dir`. */
async function loopsOf(dir: string): Promise<string[]> {
  return (await listHandsbotLoops()).filter((l) => l.backingFile === imageOf(dir)).map((l) => l.device);
}

/** What the checkouts folder holds on the worker's disk, images included (by blocks, not size). */
async function hostUsage(): Promise<number> {
  return measureDiskUsage(path.join(tmp, 'checkouts'));
}

describe('a checkout on a filesystem of its own', () => {
  it('is full at its limit: the agent sees ENOSPC, can delete and go on, the worker’s disk grows by no more than the limit, and the diff and push still work', async () => {
    const prepared = await provider().prepare({ runId: runId(), data, task, resume: false, signal });
    try {
      const mounted = await prepared.workspace.exec('df --output=source,size -B1 . | tail -1');
      expect(mounted.output).toMatch(/^\/dev\/loop\d+\s+\d+/);
      expect(Number(mounted.output.trim().split(/\s+/)[1])).toBeLessThanOrEqual(LIMIT);

      await prepared.workspace.exec("sed -i 's/a - b/a + b/' src/math.js");
      // Through the agent's own persistent shell, as its terminal tool would.
      const shell = prepared.workspace.shell();
      const filled = await shell.run({
        command: 'dd if=/dev/urandom of=fill.bin bs=1M count=100 2>&1; echo "exit=$?"',
        isInput: false,
        timeoutMs: 120_000,
      });
      expect(filled.output).toContain('No space left on device');
      expect(filled.output).toContain('exit=1');
      // Outside the run's bound, the worker's disk holds no more than the limit (the sparse image).
      const image = await stat(imageOf(prepared.checkoutDir));
      expect(image.size).toBe(LIMIT);
      expect(image.blocks * 512).toBeLessThanOrEqual(LIMIT);
      expect(await hostUsage()).toBeLessThanOrEqual(LIMIT + MIB);

      // Full, the diff (its index in the sandbox's /tmp) still works.
      const diff = await prepared.workspace.diff();
      expect(diff).toContain('+  return a + b;');
      expect(diff).toContain('fill.bin');

      // The agent frees space and goes on.
      const recovered = await shell.run({
        command: 'rm fill.bin && echo more > more.txt && cat more.txt',
        isInput: false,
        timeoutMs: 30_000,
      });
      expect(recovered.exitCode).toBe(0);
      expect(recovered.output).toContain('more');

      // Full again, the trusted push (its git directory on the worker's side) still works.
      await prepared.workspace.exec('head -c 100M /dev/zero > fill.bin 2>&1 || true');
      const pushed = await pushBranch({
        checkoutDir: prepared.checkoutDir,
        url: prepared.remoteUrl,
        baseCommit: prepared.baseCommit,
        branch: task.pushBranch,
        policy: task.branchPolicy,
        token: TOKEN,
        message: 'Fix add',
        author: { name: 'handsbot[bot]', email: 'handsbot@example.invalid' },
        signal,
      });
      expect(pushed.kind).toBe('pushed');
      const remote = path.join(remoteRoot, 'acme/widgets.git');
      const shown = execFileSync('git', ['--git-dir', remote, 'show', `${task.pushBranch}:src/math.js`]);
      expect(shown.toString()).toContain('a + b');
    } finally {
      await prepared.release({ final: true });
    }
  });

  it('is, besides size-capped tmpfs, the only place in the sandbox the agent can write', async () => {
    const prepared = await provider().prepare({ runId: runId(), data, task, resume: false, signal });
    try {
      // Every mount the agent's user can write to, with its source, type and options.
      const listed = await prepared.workspace.exec(
        'while read -r src dir type opts rest; do case "$type" in proc|sysfs|cgroup|cgroup2|devpts|mqueue) continue;; esac; ' +
          'if [ -d "$dir" ] && [ -w "$dir" ]; then echo "$dir $src $type $opts"; fi; done < /proc/self/mounts',
      );
      const writable = listed.output.trim().split('\n').filter(Boolean);
      expect(writable.map((line) => line.split(' ')[0]).sort()).toEqual(
        expect.arrayContaining(['/home/agent', '/tmp', '/workspace/widgets']),
      );
      for (const line of writable) {
        const [dir, source, type, options] = line.split(' ');
        if (dir === '/workspace/widgets') expect(`${source} ${type}`).toMatch(/^\/dev\/loop\d+ ext4$/);
        else expect(`${dir} ${type} ${options}`).toMatch(/ tmpfs .*size=\d+k/);
      }
    } finally {
      await prepared.release({ final: true });
    }
  });

  it('the final release unmounts it, frees its loop device and removes its image', async () => {
    const prepared = await provider().prepare({ runId: runId(), data, task, resume: false, signal });
    const dir = prepared.checkoutDir;
    expect(await isMountPoint(dir)).toBe(true);
    expect(await loopsOf(dir)).toHaveLength(1);
    await prepared.release({ final: true });
    expect(await isMountPoint(dir)).toBe(false);
    expect(existsSync(imageOf(dir))).toBe(false);
    expect(existsSync(dir)).toBe(false);
    // Autoclear may free the device a moment after the unmount: wait for it to be gone.
    await waitFor(async () => (await loopsOf(dir)).length === 0, {
      timeoutMs: 10_000,
      what: 'the loop device to be freed',
    });
  });

  it('a paused run keeps its image, not its loop device, and gets its edits back on resume', async () => {
    const id = runId();
    const first = await provider().prepare({ runId: id, data, task, resume: false, signal });
    await first.workspace.writeFile('/workspace/widgets/NOTES.md', 'half done\n');
    await first.release({ final: false });
    expect(await isMountPoint(first.checkoutDir)).toBe(false);
    expect(existsSync(imageOf(first.checkoutDir))).toBe(true);
    await waitFor(async () => (await loopsOf(first.checkoutDir)).length === 0, {
      timeoutMs: 10_000,
      what: 'the paused run’s loop device to be freed',
    });

    const second = await provider().prepare({ runId: id, data, task, resume: true, signal });
    try {
      expect(second.freshCheckoutOnResume).toBeUndefined();
      expect((await second.workspace.readFile('/workspace/widgets/NOTES.md')).toString()).toBe('half done\n');
      expect(await isMountPoint(second.checkoutDir)).toBe(true);
    } finally {
      await second.release({ final: true });
    }
  });

  it('the reaper removes one a crashed worker left mounted, and spares live and fresh ones', async () => {
    const crashed = testWorkerId();
    const id = runId();
    // The worker "crashes": it never releases; its sandbox is removed as the container reaper would.
    const prepared = await provider(mirrors(), crashed).prepare({
      runId: id,
      data,
      task,
      resume: false,
      signal,
    });
    await removeWorkerContainers(docker.docker, crashed);
    expect(await listWorkerContainers(docker.docker, crashed)).toEqual([]);
    const dir = prepared.checkoutDir;
    const checkoutsDir = path.join(tmp, 'checkouts');
    const later = () => Date.now() + 11 * 60_000;

    // Held by a live run, or written just now (another worker may be making it): left alone.
    expect(await reapCheckoutDisks({ checkoutsDir, isRunLive: (r) => r === id, now: later })).toEqual([]);
    expect(await reapCheckoutDisks({ checkoutsDir, isRunLive: () => false })).toEqual([]);
    expect(await isMountPoint(dir)).toBe(true);

    const reaped = await reapCheckoutDisks({ checkoutsDir, isRunLive: () => false, now: later });
    expect(reaped).toEqual([expect.objectContaining({ runId: id, dir, kind: 'mounted' })]);
    expect(await isMountPoint(dir)).toBe(false);
    expect(existsSync(imageOf(dir))).toBe(false);
    await waitFor(async () => (await loopsOf(dir)).length === 0, {
      timeoutMs: 10_000,
      what: 'the leaked loop device to be freed',
    });
  });

  it('the reaper detaches a loop device left on a checkout image with nothing mounted from it', async () => {
    const checkoutsDir = path.join(tmp, 'checkouts');
    const dir = path.join(checkoutsDir, runId());
    await mkdir(checkoutsDir, { recursive: true });
    execFileSync('truncate', ['-s', String(LIMIT), imageOf(dir)]);
    // A crash between attaching the image and mounting it.
    const device = execFileSync('losetup', ['--find', '--show', imageOf(dir)])
      .toString()
      .trim();
    expect(await loopsOf(dir)).toEqual([device]);

    const reaped = await reapCheckoutDisks({
      checkoutsDir,
      isRunLive: () => false,
      now: () => Date.now() + 11 * 60_000,
    });
    expect(reaped).toEqual([expect.objectContaining({ dir, device, kind: 'detached' })]);
    await waitFor(async () => (await loopsOf(dir)).length === 0, {
      timeoutMs: 10_000,
      what: 'the stray loop device to be detached',
    });
    await rm(imageOf(dir));
  });

  it('spare checkouts are filesystems of the limit too, handed over by a rename and a mount', async () => {
    const cache = mirrors(true);
    const first = await provider(cache).prepare({ runId: runId(), data, task, resume: false, signal });
    await first.release({ final: true });
    expect(await cache.idle()).toEqual([]);
    const ready = (await readdir(path.join(tmp, 'mirrors'), { recursive: true }))
      .map((entry) => path.basename(entry))
      .filter((name) => name.startsWith('ready-'));
    // An unmounted image of the limit, named for its kind and size.
    expect(ready).toEqual([expect.stringMatching(new RegExp(`^ready-ext4-${LIMIT}-[0-9a-f-]+$`))]);
    // The mirror cache counts the sparse image by what it holds, not by its size (the limit).
    const [mirror] = await listMirrors(path.join(tmp, 'mirrors'));
    expect(mirror?.bytes).toBeGreaterThan(0);
    expect(mirror?.bytes).toBeLessThan(LIMIT);

    const second = await provider(cache).prepare({ runId: runId(), data, task, resume: false, signal });
    try {
      expect(await isMountPoint(second.checkoutDir)).toBe(true);
      const fs = await statfs(second.checkoutDir);
      expect(fs.blocks * fs.bsize).toBeLessThanOrEqual(LIMIT);
      expect((await second.workspace.exec('node test.js')).output).toContain('AssertionError');
      expect((await second.workspace.exec('git status --porcelain')).output.trim()).toBe('');
    } finally {
      await second.release({ final: true });
    }
    expect(await cache.idle()).toEqual([]);
  });
});

import { execFile } from 'node:child_process';
import { mkdir, open, readdir, readFile, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Every image a worker makes ends so: it is how the reaper tells handsbot's loop devices from anyone
 * else's (`/sys/block/loopN/loop/backing_file` names it), with no state of its own.
 */
export const VOLUME_SUFFIX = '.handsbot-disk';

/** The image file that backs the filesystem mounted at `dir`: beside it, so a rename is O(1). */
export function imageOf(dir: string): string {
  return `${path.resolve(dir)}${VOLUME_SUFFIX}`;
}

/**
 * A sparse file of `bytes` formatted ext4 with its reserved blocks at zero (the agent is not root:
 * reserved blocks would only move its limit), inode tables and journal left for the kernel to treat
 * as uninitialised, so formatting writes a few megabytes whatever the size. Fails when it exists.
 */
export async function formatVolume(image: string, bytes: number): Promise<void> {
  const file = await open(image, 'wx', 0o600);
  try {
    await file.truncate(bytes);
  } finally {
    await file.close();
  }
  try {
    await run('mkfs.ext4', [
      '-q',
      '-F',
      '-m',
      '0',
      '-E',
      'lazy_itable_init=1,lazy_journal_init=1,nodiscard',
      image,
    ]);
  } catch (error) {
    await rm(image, { force: true });
    throw error;
  }
}

/**
 * Mounts `image` at `dir` through a loop device that the kernel frees at unmount (`mount -o loop`
 * sets autoclear). `nosuid,nodev`: nothing in a checkout is a device or gains privileges;
 * `noinit_itable`: the kernel does not zero inode tables in the background (it would fill the sparse
 * image for nothing). ext4's `lost+found` goes, so the checkout starts empty.
 */
export async function mountVolume(image: string, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await run('mount', ['-t', 'ext4', '-o', 'loop,nosuid,nodev,noatime,noinit_itable', '--', image, dir]);
  await rmdir(path.join(dir, 'lost+found')).catch((error: unknown) => {
    if (codeOf(error) !== 'ENOENT') throw error;
  });
}

/**
 * Unmounts `dir` when something is mounted there, lazily when it is busy (a process the worker
 * does not own still has a file open: the loop device is then freed when that process lets go), and
 * detaches any loop device still backed by its image. Idempotent.
 */
export async function unmountVolume(dir: string): Promise<void> {
  const target = path.resolve(dir);
  if (await isMountPoint(target)) {
    await run('umount', ['--', target]).catch(async () => {
      await run('umount', ['--lazy', '--', target]);
    });
  }
  await detachLoops(imageOf(target));
}

/** Unmounts `dir`, then deletes its image and the directory itself. Idempotent. */
export async function removeVolume(dir: string): Promise<void> {
  await unmountVolume(dir);
  await rm(imageOf(dir), { force: true });
  await rm(dir, { recursive: true, force: true });
}

export interface MountedVolume {
  /** The mount point. */
  dir: string;
  /** `/dev/loopN`. */
  device: string;
}

/** The loop-device filesystems mounted directly inside `parent` (`/proc/self/mountinfo`). */
export async function listMountedVolumes(parent: string): Promise<MountedVolume[]> {
  const root = path.resolve(parent);
  return (await listMounts()).filter((m) => path.dirname(m.dir) === root && m.device.startsWith('/dev/loop'));
}

export interface LoopDevice {
  device: string;
  backingFile: string;
}

/** Loop devices whose backing file is one of handsbot's images (`VOLUME_SUFFIX`). */
export async function listHandsbotLoops(): Promise<LoopDevice[]> {
  const names = await readdir('/sys/block').catch(() => [] as string[]);
  const loops: LoopDevice[] = [];
  for (const name of names.filter((n) => /^loop\d+$/.test(n))) {
    const backing = await readFile(`/sys/block/${name}/loop/backing_file`, 'utf8').catch(() => '');
    // The kernel appends " (deleted)" once the image was removed while attached.
    const backingFile = backing.trim().replace(/ \(deleted\)$/, '');
    if (backingFile.endsWith(VOLUME_SUFFIX)) loops.push({ device: `/dev/${name}`, backingFile });
  }
  return loops;
}

async function detachLoops(image: string): Promise<void> {
  for (const loop of await listHandsbotLoops()) {
    if (loop.backingFile === image) await detachLoop(loop.device);
  }
}

/** Detaches a loop device; one still busy (mounted lazily) is left to autoclear at its last close. */
export async function detachLoop(device: string): Promise<void> {
  await run('losetup', ['--detach', device]).catch(() => undefined);
}

export async function isMountPoint(dir: string): Promise<boolean> {
  const target = path.resolve(dir);
  return (await listMounts()).some((m) => m.dir === target);
}

/** Every mount of this process's namespace, as its mount point and source. */
export async function listMounts(): Promise<MountedVolume[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  const mounts: MountedVolume[] = [];
  for (const line of text.split('\n')) {
    // id parent major:minor root mount-point options [optional…] - fstype source super-options
    const [before, after] = line.split(' - ');
    if (!before || !after) continue;
    const dir = before.split(' ')[4];
    const source = after.split(' ')[1];
    if (dir === undefined || source === undefined) continue;
    mounts.push({ dir: unescapeMountinfo(dir), device: unescapeMountinfo(source) });
  }
  return mounts;
}

/** mountinfo writes space, tab, newline and backslash as octal escapes. */
function unescapeMountinfo(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}

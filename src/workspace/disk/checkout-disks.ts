import { existsSync } from 'node:fs';
import { mkdir, rename, rmdir } from 'node:fs/promises';
import path from 'node:path';
import {
  formatVolume,
  imageOf,
  isMountPoint,
  mountVolume,
  removeVolume,
  unmountVolume,
} from './loop-volume.js';

/**
 * How a worker bounds its checkouts' disk use:
 * - `filesystem`: each checkout is its own ext4 filesystem of the run's limit, in a sparse image
 *   loop-mounted at the checkout's directory. A full checkout is ENOSPC for the agent, which can
 *   delete files and go on; the worker's disk never sees more than the limit.
 * - `watchdog`: plain directories, measured periodically; a run over its limit is stopped. For
 *   workers that are not root or have no loop devices. Coarser: a fast writer overshoots by what it
 *   writes between two measurements.
 */
export type DiskBoundMode = 'filesystem' | 'watchdog';

export interface CheckoutDisks {
  /** `filesystem`: each checkout its own loop-mounted ext4; `directory`: a plain folder. */
  readonly kind: 'filesystem' | 'directory';
  /** Makes `dir` (missing) an empty directory for a checkout of at most `bytes`. */
  create(dir: string, bytes: number): Promise<void>;
  /**
   * The kept checkout of a resumed run, made usable again: its image mounted (or still mounted, by
   * a worker that crashed). False when there is none.
   */
  reopen(dir: string): Promise<boolean>;
  /** The run pauses and will resume: its loop device goes, its checkout (image) stays. */
  close(dir: string): Promise<void>;
  /** The checkout goes, with its filesystem and image. Idempotent. */
  remove(dir: string): Promise<void>;
  /**
   * Puts the checkout at `dir` aside as `spare` (a file or folder name of the same filesystem), for
   * `adopt` to hand to a later run: its filesystem unmounted, its image renamed.
   */
  stash(dir: string, spare: string): Promise<void>;
  /**
   * Makes a stashed checkout the one at `dir` (missing), by rename: atomic, so two runs never get the
   * same one, and O(1), so no file is written again. False when another run took it first.
   */
  adopt(spare: string, dir: string): Promise<boolean>;
  /** Tells spares of this kind and size apart from others in the same folder. */
  spareTag(bytes: number): string;
}

/** The checkouts a bound needs: their own filesystems, or plain folders that a watchdog measures. */
export function checkoutDisksFor(mode: DiskBoundMode): CheckoutDisks {
  return mode === 'filesystem' ? FILESYSTEM_DISKS : DIRECTORY_DISKS;
}

export const FILESYSTEM_DISKS: CheckoutDisks = {
  kind: 'filesystem',
  async create(dir, bytes) {
    await mkdir(path.dirname(dir), { recursive: true });
    const image = imageOf(dir);
    await formatVolume(image, bytes);
    try {
      await mountVolume(image, dir);
    } catch (error) {
      await removeVolume(dir);
      throw error;
    }
  },
  async reopen(dir) {
    if (await isMountPoint(dir)) return true;
    if (!existsSync(imageOf(dir))) return false;
    await mountVolume(imageOf(dir), dir);
    return true;
  },
  close: unmountVolume,
  remove: removeVolume,
  async stash(dir, spare) {
    await unmountVolume(dir);
    await rename(imageOf(dir), spare);
    await rmdir(dir);
  },
  async adopt(spare, dir) {
    if (!(await renameUnlessTaken(spare, imageOf(dir)))) return false;
    try {
      await mountVolume(imageOf(dir), dir);
    } catch (error) {
      await removeVolume(dir);
      throw error;
    }
    return true;
  },
  spareTag: (bytes) => `ext4-${bytes}`,
};

/** Plain folders: what the CLI and tests get, and what the watchdog measures. */
export const DIRECTORY_DISKS: CheckoutDisks = {
  kind: 'directory',
  async create(dir) {
    await mkdir(dir, { recursive: true });
  },
  async reopen(dir) {
    return existsSync(dir);
  },
  async close() {},
  // A worker that once ran in filesystem mode may have left a volume here: it goes too.
  remove: removeVolume,
  async stash(dir, spare) {
    await rename(dir, spare);
  },
  async adopt(spare, dir) {
    await mkdir(path.dirname(dir), { recursive: true });
    return renameUnlessTaken(spare, dir);
  },
  spareTag: () => 'dir',
};

/** A rename whose source another process may have renamed first (ENOENT: false). */
async function renameUnlessTaken(from: string, to: string): Promise<boolean> {
  try {
    await rename(from, to);
    return true;
  } catch (error) {
    if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT')
      return false;
    throw error;
  }
}

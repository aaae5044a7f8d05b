import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  detachLoop,
  imageOf,
  listHandsbotLoops,
  listMountedVolumes,
  listMounts,
  removeVolume,
  VOLUME_SUFFIX,
} from './loop-volume.js';

export interface ReapCheckoutDisksOptions {
  /** Where run checkouts are mounted, one directory per run id. */
  checkoutsDir: string;
  /** Whether a run is in hand: this worker's, or any worker's with a sandbox on the engine. */
  isRunLive: (runId: string) => boolean | Promise<boolean>;
  /**
   * A mount whose image was written to this recently is spared: another worker process on this host
   * may be making its checkout, before its sandbox exists. Default 10 minutes.
   */
  graceMs?: number;
  now?: () => number;
}

export interface ReapedDisk {
  runId: string;
  dir: string;
  device: string;
  /** `mounted`: a checkout filesystem left mounted; `detached`: a loop device backing no mount. */
  kind: 'mounted' | 'detached';
}

const DEFAULT_GRACE_MS = 10 * 60_000;

/**
 * Removes the checkout filesystems a crashed worker left mounted (with their loop devices and
 * images), and detaches handsbot loop devices of this checkouts folder that back no mount. A run's
 * checkout stays mounted only while a job holds the run (a paused run's is unmounted, its image
 * kept), so a mount of a run nobody holds is a leak.
 */
export async function reapCheckoutDisks(options: ReapCheckoutDisksOptions): Promise<ReapedDisk[]> {
  const now = options.now?.() ?? Date.now();
  const grace = options.graceMs ?? DEFAULT_GRACE_MS;
  // Mount points are listed by their real path.
  const root = await realpath(options.checkoutsDir).catch(() => null);
  if (root === null) return [];
  const reaped: ReapedDisk[] = [];
  const stale = async (dir: string) => {
    if (await options.isRunLive(path.basename(dir))) return false;
    const written = await stat(imageOf(dir)).then(
      (s) => s.mtimeMs,
      () => Number.NEGATIVE_INFINITY,
    );
    return written + grace <= now;
  };
  for (const mount of await listMountedVolumes(root)) {
    if (!(await stale(mount.dir))) continue;
    await removeVolume(mount.dir);
    reaped.push({ runId: path.basename(mount.dir), dir: mount.dir, device: mount.device, kind: 'mounted' });
  }
  // A loop device on one of our images with nothing mounted from it (a crash between attach and
  // mount): detached; the image stays for the run, whose checkout it is.
  const sources = new Set((await listMounts()).map((m) => m.device));
  for (const loop of await listHandsbotLoops()) {
    if (sources.has(loop.device) || path.dirname(loop.backingFile) !== root) continue;
    const dir = loop.backingFile.slice(0, -VOLUME_SUFFIX.length);
    if (!(await stale(dir))) continue;
    await detachLoop(loop.device);
    reaped.push({ runId: path.basename(dir), dir, device: loop.device, kind: 'detached' });
  }
  return reaped;
}

import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { DiskBoundMode } from './checkout-disks.js';
import { formatVolume, imageOf, mountVolume, removeVolume } from './loop-volume.js';

export interface DiskBoundChoice {
  mode: DiskBoundMode;
  /** Why the watchdog was chosen, for the worker's start-up log. */
  reason?: string;
}

/** Small enough to cost nothing, big enough for ext4 with a journal. */
const PROBE_BYTES = 16 * 1024 * 1024;

/**
 * Whether this worker can give each checkout a filesystem of its own: it must be root and a loop
 * mount must actually work here (a container without /dev/loop-control, a kernel without ext4, a
 * missing mkfs.ext4 all fail the probe). Tried once, at start-up, inside `dir` (where checkouts go),
 * and cleaned up; anything that fails means the watchdog.
 */
export async function detectDiskBound(dir: string, uid = process.getuid?.() ?? -1): Promise<DiskBoundChoice> {
  if (uid !== 0) return { mode: 'watchdog', reason: 'the worker is not root, so it cannot mount' };
  const probe = path.join(dir, `probe-${randomUUID()}`);
  try {
    await mkdir(dir, { recursive: true });
    await formatVolume(imageOf(probe), PROBE_BYTES);
    await mountVolume(imageOf(probe), probe);
    return { mode: 'filesystem' };
  } catch (error) {
    return {
      mode: 'watchdog',
      reason: `a loop-mounted ext4 filesystem could not be made: ${error instanceof Error ? error.message : String(error)}`,
    };
  } finally {
    await removeVolume(probe).catch(() => undefined);
  }
}

import { randomUUID } from 'node:crypto';
import { lstat, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { MirrorLocks } from './mirror-locks.js';

/** Touched on every use of a mirror; its mtime orders eviction. Git ignores unknown files there. */
export const LAST_USED_MARKER = 'handsbot-last-used';
/**
 * Evicted mirrors are renamed to `<cacheDir>/.evicted-<uuid>` first (same filesystem, atomic, so no
 * reader ever sees half a mirror), then deleted; leftovers of a crash are deleted by the next pass.
 */
const EVICTED_PREFIX = '.evicted-';

export interface MirrorEntry {
  path: string;
  bytes: number;
  lastUsedMs: number;
}

export interface EvictionResult {
  /** Bytes of all mirrors after eviction. */
  totalBytes: number;
  evicted: string[];
  /** Over budget but locked by a run (here or in another process), so kept. */
  busy: string[];
}

/**
 * Deletes least-recently-used mirrors until the cache fits in `maxBytes`. A mirror is only evicted
 * when its exclusive lock can be taken without waiting, so one being fetched or read is never pulled
 * away; `keep` (the mirror just used) is never evicted, so the cache always serves the latest run.
 */
export async function evictMirrors(options: {
  cacheDir: string;
  maxBytes: number;
  locks: MirrorLocks;
  keep?: string | undefined;
}): Promise<EvictionResult> {
  const { cacheDir, maxBytes, locks, keep } = options;
  await emptyTrash(cacheDir);
  const mirrors = (await listMirrors(cacheDir)).sort((a, b) => a.lastUsedMs - b.lastUsedMs);
  let totalBytes = mirrors.reduce((sum, mirror) => sum + mirror.bytes, 0);
  const evicted: string[] = [];
  const busy: string[] = [];
  for (const mirror of mirrors) {
    if (totalBytes <= maxBytes) break;
    if (mirror.path === keep) continue;
    const lock = locks.isBusy(mirror.path) ? null : await locks.tryAcquireExclusive(mirror.path);
    if (lock === null) {
      busy.push(mirror.path);
      continue;
    }
    try {
      await rename(mirror.path, path.join(cacheDir, `${EVICTED_PREFIX}${randomUUID()}`));
    } catch (err) {
      // Already gone (another worker evicted it between our scan and our lock): nothing to free.
      if (!isMissing(err)) throw err;
    } finally {
      await lock.release();
    }
    totalBytes -= mirror.bytes;
    evicted.push(mirror.path);
  }
  await emptyTrash(cacheDir);
  return { totalBytes, evicted, busy };
}

/** Every `<host>/<owner>/<name>.git` under the cache with its size and last use. */
export async function listMirrors(cacheDir: string): Promise<MirrorEntry[]> {
  const found: MirrorEntry[] = [];
  for (const host of await subdirectories(cacheDir)) {
    if (host.startsWith('.')) continue;
    for (const owner of await subdirectories(path.join(cacheDir, host))) {
      const ownerDir = path.join(cacheDir, host, owner);
      for (const name of await subdirectories(ownerDir)) {
        if (!name.endsWith('.git')) continue;
        const mirror = path.join(ownerDir, name);
        const lastUsedMs = await stat(path.join(mirror, LAST_USED_MARKER)).then(
          (s) => s.mtimeMs,
          () => 0,
        );
        found.push({ path: mirror, bytes: await directorySize(mirror), lastUsedMs });
      }
    }
  }
  return found;
}

export async function directorySize(dir: string): Promise<number> {
  let total = 0;
  let entries: string[];
  try {
    entries = await readdir(dir, { recursive: true, encoding: 'utf8' });
  } catch (err) {
    if (isMissing(err)) return 0;
    throw err;
  }
  for (const entry of entries) {
    // A file can vanish under us (git replaces packs during a fetch); count what is still there.
    const info = await lstat(path.join(dir, entry)).catch(() => undefined);
    // A spare checkout's filesystem image is sparse: it counts for what it holds, not its size.
    if (info?.isFile()) total += Math.min(info.size, info.blocks * 512);
  }
  return total;
}

async function subdirectories(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  } catch (err) {
    if (isMissing(err)) return [];
    throw err;
  }
}

async function emptyTrash(cacheDir: string): Promise<void> {
  const entries = await readdir(cacheDir).catch(() => [] as string[]);
  for (const entry of entries) {
    if (entry.startsWith(EVICTED_PREFIX))
      await rm(path.join(cacheDir, entry), { recursive: true, force: true });
  }
}

function isMissing(err: unknown): boolean {
  return err instanceof Error && 'code' in err && err.code === 'ENOENT';
}

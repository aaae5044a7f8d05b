import { randomUUID } from 'node:crypto';
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { CheckoutDisks } from '../disk/checkout-disks.js';
import { type RunGitOptions, runGit } from './run-git.js';

type GitOptions = Omit<RunGitOptions, 'cwd' | 'token'>;

/** Spare checkouts live inside their mirror, so they are evicted (and counted) with it. */
const SPARES = 'handsbot-spares';

/** What checkouts are made on, and how big: spares are of one kind and size, claimed by the same. */
export interface CheckoutSpace {
  disks: CheckoutDisks;
  bytes: number;
}

/** `ready-<tag>-<uuid>`: a spare of another kind or size is never claimed (nor counted as one). */
function readyPrefix(space: CheckoutSpace): string {
  return `ready-${space.disks.spareTag(space.bytes)}-`;
}

/**
 * A full, independent clone of the mirror at `commit`. `--no-hardlinks`: the agent can write the
 * checkout, and must not be able to write the mirror through a shared inode. `origin` is set back to
 * the real URL (which carries no credentials).
 */
export async function cloneFromMirror(
  mirror: string,
  dest: string,
  /** Null: leave the files unwritten (`moveTo` later, without needing the mirror). */
  commit: string | null,
  branch: string | undefined,
  options: GitOptions,
): Promise<void> {
  await mkdir(path.dirname(dest), { recursive: true });
  await runGit(['clone', '--no-hardlinks', '--no-checkout', '--quiet', '--', mirror, dest], {
    ...options,
    cwd: path.dirname(dest),
  });
  const url = (await runGit(['config', '--get', 'remote.origin.url'], { ...options, cwd: mirror })).trim();
  await runGit(['remote', 'set-url', 'origin', url], { ...options, cwd: dest });
  if (commit !== null) await moveTo(dest, commit, branch, options);
}

/**
 * Takes a spare checkout made earlier from this mirror, if there is one, makes it `dest` (a rename:
 * atomic, so two runs never get the same spare, and O(1), so thousands of files are not written
 * again; a filesystem spare is then mounted) and brings it to `commit` (only the files that changed
 * are written). False when there is no spare of the space's kind and size, or it is on another
 * filesystem; the caller then clones.
 */
export async function claimSpare(
  mirror: string,
  dest: string,
  commit: string,
  branch: string | undefined,
  options: GitOptions,
  space: CheckoutSpace,
): Promise<boolean> {
  const dir = path.join(mirror, SPARES);
  const prefix = readyPrefix(space);
  const ready = (await readdir(dir).catch(() => [] as string[])).filter((name) => name.startsWith(prefix));
  for (const name of ready) {
    await mkdir(path.dirname(dest), { recursive: true });
    try {
      if (!(await space.disks.adopt(path.join(dir, name), dest))) continue; // another run took it first
    } catch (err) {
      if (err instanceof Error && 'code' in err && err.code === 'EXDEV') return false;
      throw err;
    }
    try {
      // Objects and refs the spare lacks come from the mirror (a local fetch of what changed).
      await runGit(
        [
          'fetch',
          '--quiet',
          '--no-tags',
          '--prune',
          mirror,
          '+refs/heads/*:refs/remotes/origin/*',
          '+refs/tags/*:refs/tags/*',
        ],
        { ...options, cwd: dest },
      );
      await moveTo(dest, commit, branch, options);
      return true;
    } catch (err) {
      await space.disks.remove(dest);
      throw err;
    }
  }
  return false;
}

/** Whether the mirror has a spare of this space ready (so a refill can be skipped). */
export async function hasSpare(mirror: string, space: CheckoutSpace): Promise<boolean> {
  const entries = await readdir(path.join(mirror, SPARES)).catch(() => [] as string[]);
  return entries.some((name) => name.startsWith(readyPrefix(space)));
}

/**
 * Makes a spare at `commit`, whole or not at all (built under a `tmp-` name, then renamed).
 * `lockShared` guards only the copy of the mirror's objects; the thousands of files are written
 * after it is released, so a fetch into the mirror waits for the copy, never for the checkout.
 */
export async function makeSpare(
  mirror: string,
  commit: string,
  options: GitOptions,
  lockShared: () => Promise<() => Promise<void>>,
  space: CheckoutSpace,
): Promise<void> {
  const dir = path.join(mirror, SPARES);
  const temp = path.join(dir, `tmp-${randomUUID()}`);
  try {
    await space.disks.create(temp, space.bytes);
    const release = await lockShared();
    try {
      await cloneFromMirror(mirror, temp, null, undefined, options);
    } finally {
      await release();
    }
    await moveTo(temp, commit, undefined, options);
    await space.disks.stash(temp, path.join(dir, `${readyPrefix(space)}${randomUUID()}`));
  } finally {
    await space.disks.remove(temp);
  }
}

/** Checks out `commit` (on `branch`, else detached) in a checkout that already has its objects. */
export async function moveTo(
  dest: string,
  commit: string,
  branch: string | undefined,
  options: GitOptions,
): Promise<void> {
  const target = branch === undefined ? ['--detach', commit] : ['--no-track', '-B', branch, commit];
  await runGit(['checkout', '--quiet', ...target], { ...options, cwd: dest });
}

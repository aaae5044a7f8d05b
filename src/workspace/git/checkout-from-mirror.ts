import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { type RunGitOptions, runGit } from './run-git.js';

type GitOptions = Omit<RunGitOptions, 'cwd' | 'token'>;

/** Spare checkouts live inside their mirror, so they are evicted (and counted) with it. */
const SPARES = 'handsbot-spares';

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
 * Takes a spare checkout made earlier from this mirror, if there is one, moves it to `dest` (a
 * rename: atomic, so two runs never get the same spare, and O(1), so thousands of files are not
 * written again) and brings it to `commit` (only the files that changed are written). False when
 * there is no spare or it is on another filesystem; the caller then clones.
 */
export async function claimSpare(
  mirror: string,
  dest: string,
  commit: string,
  branch: string | undefined,
  options: GitOptions,
): Promise<boolean> {
  const dir = path.join(mirror, SPARES);
  const ready = (await readdir(dir).catch(() => [] as string[])).filter((name) => name.startsWith('ready-'));
  for (const name of ready) {
    await mkdir(path.dirname(dest), { recursive: true });
    try {
      await rename(path.join(dir, name), dest);
    } catch (err) {
      const code = err instanceof Error && 'code' in err ? err.code : undefined;
      if (code === 'ENOENT') continue; // another run took it first
      if (code === 'EXDEV') return false;
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
      await rm(dest, { recursive: true, force: true });
      throw err;
    }
  }
  return false;
}

/** Whether the mirror has a spare ready (so a refill can be skipped). */
export async function hasSpare(mirror: string): Promise<boolean> {
  const entries = await readdir(path.join(mirror, SPARES)).catch(() => [] as string[]);
  return entries.some((name) => name.startsWith('ready-'));
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
): Promise<void> {
  const dir = path.join(mirror, SPARES);
  const temp = path.join(dir, `tmp-${randomUUID()}`);
  try {
    const release = await lockShared();
    try {
      await cloneFromMirror(mirror, temp, null, undefined, options);
    } finally {
      await release();
    }
    await moveTo(temp, commit, undefined, options);
    await rename(temp, path.join(dir, `ready-${randomUUID()}`));
  } finally {
    await rm(temp, { recursive: true, force: true });
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

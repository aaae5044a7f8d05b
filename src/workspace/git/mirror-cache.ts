import { randomUUID } from 'node:crypto';
import { readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type CheckoutDisks, DIRECTORY_DISKS } from '../disk/checkout-disks.js';
import {
  type CheckoutSpace,
  claimSpare,
  cloneFromMirror,
  hasSpare,
  makeSpare,
} from './checkout-from-mirror.js';
import { type EvictionResult, evictMirrors, LAST_USED_MARKER } from './evict-mirrors.js';
import { GitCommandError } from './git-errors.js';
import { MirrorLocks } from './mirror-locks.js';
import { candidateRefs, extraRefspec, MIRROR_REFSPECS, parseRef, type RefRequest } from './parse-ref.js';
import { mirrorPathOf, parseRepositoryUrl, type RepositoryUrl } from './repository-url.js';
import { runGit } from './run-git.js';

export interface MirrorCacheOptions {
  /** Root of the mirrors: `<cacheDir>/<host>/<owner>/<name>.git`. */
  cacheDir: string;
  /** After each use, least-recently-used mirrors are evicted until the cache fits. */
  maxBytes: number;
  /** Where git's PATH, HOME and proxy settings come from (default: the process environment). */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Keep one spare checkout per mirror, made in the background after each provision, and hand it to
   * the next run of that repository (a rename plus the files that changed, instead of writing every
   * file). Needs checkouts on the cache's filesystem (else ignored); costs one checkout's disk per
   * mirror, counted in `maxBytes`. Off by default.
   */
  spareCheckouts?: boolean;
  /**
   * What each checkout is made on (src/workspace/disk): a filesystem of its own, of `bytes` unless a
   * request asks for less (spares are made of `bytes` and claimed only by requests of that size), or
   * a plain folder (the default).
   */
  checkouts?: CheckoutSpace;
}

export interface MirrorRequest {
  /** `https://github.com/owner/name.git`, without credentials. */
  url: string;
  /** A commit SHA, a full ref (`refs/pull/7/head`) or a branch or tag name. */
  ref: string;
  /** The installation token, passed to each network command and nowhere else. */
  token?: string | undefined;
  signal?: AbortSignal | undefined;
}

export interface ProvisionRequest extends MirrorRequest {
  /** The checkout's directory; must not exist or be empty. Owned by the caller afterwards. */
  dest: string;
  /** The local branch to create at the commit (default: the branch asked for, else a detached HEAD). */
  branch?: string | undefined;
  /** The checkout's size when its filesystem is bounded and the run's limit is below the cache's. */
  diskBytes?: number | undefined;
}

export interface ProvisionResult {
  dir: string;
  commit: string;
  mirror: string;
  /** Whether this provision created the mirror, fetched into it, or used it as it was. */
  mirrorAction: 'created' | 'fetched' | 'reused';
  /** Whether the checkout was a spare brought up to date rather than a new clone. */
  fromSpare: boolean;
  timings: { mirrorMs: number; checkoutMs: number; totalMs: number };
  /** Eviction never fails a provision: its error is reported here instead. */
  eviction: EvictionResult | { error: string };
}

export interface MirrorView {
  /** The bare mirror: read it only (`git show`, `cat-file`) while the callback runs. */
  gitDir: string;
  commit: string;
}

/** Gives up when a mirror keeps disappearing between its fetch and its use (eviction racing us). */
const MAX_ATTEMPTS = 3;

/**
 * Bare mirrors of repositories on the worker host, and checkouts made from them. A mirror is
 * created on first use and fetched (only what changed) on later ones; checkouts are full,
 * independent clones of it (`--no-hardlinks`: the agent, which can write the checkout, must not be
 * able to write the mirror through a shared inode) with `origin` set back to the real URL.
 *
 * Fetches and creation hold the mirror's exclusive lock; checkouts and reads hold it shared, so they
 * run side by side while no fetch does. The lock is per process and per host (a lock file).
 */
export class MirrorCache {
  private readonly locks = new MirrorLocks();
  /** When the last fetch of each mirror's heads and tags started: a later request finds it fresh. */
  private readonly fetchStarted = new Map<string, number>();
  private readonly refills = new Map<string, Promise<void>>();
  private readonly errors: string[] = [];

  constructor(private readonly options: MirrorCacheOptions) {}

  /** What this cache's checkouts are made on: their owner removes, closes and reopens them with it. */
  get disks(): CheckoutDisks {
    return this.space().disks;
  }

  /** Makes `dest` a checkout of `ref`, fetching into the mirror first as needed. */
  async provision(request: ProvisionRequest): Promise<ProvisionResult> {
    const started = performance.now();
    const branch = request.branch ?? undefined;
    let checkoutMs = 0;
    let fromSpare = false;
    const used = await this.withMirrorTimed(request, async ({ gitDir, commit }, ref) => {
      const checkoutStarted = performance.now();
      fromSpare = await this.checkout(
        gitDir,
        commit,
        request,
        branch ?? (ref.kind === 'name' ? ref.name : undefined),
      );
      checkoutMs = performance.now() - checkoutStarted;
      return { gitDir, commit };
    });
    if (this.options.spareCheckouts === true) this.refill(used.mirror, used.value.commit);
    const eviction = await this.evict(used.mirror).catch((err: unknown) => ({
      error: err instanceof Error ? err.message : String(err),
    }));
    const totalMs = performance.now() - started;
    return {
      dir: request.dest,
      commit: used.value.commit,
      mirror: used.mirror,
      mirrorAction: used.action,
      fromSpare,
      timings: { mirrorMs: totalMs - checkoutMs, checkoutMs, totalMs },
      eviction,
    };
  }

  /**
   * Runs `read` against the mirror at `ref`'s commit while holding the mirror's shared lock, so it is
   * neither fetched into nor evicted meanwhile. For reading trusted files of the base branch.
   */
  async withMirror<T>(request: MirrorRequest, read: (mirror: MirrorView) => Promise<T>): Promise<T> {
    const used = await this.withMirrorTimed(request, (view) => read(view));
    return used.value;
  }

  /** Resolves when no spare checkout is being made; returns (and forgets) their errors. */
  async idle(): Promise<string[]> {
    while (this.refills.size > 0) await Promise.all(this.refills.values());
    return this.errors.splice(0);
  }

  /** Evicts least-recently-used mirrors until the cache fits in `maxBytes`. */
  evict(keep?: string): Promise<EvictionResult> {
    return evictMirrors({
      cacheDir: this.options.cacheDir,
      maxBytes: this.options.maxBytes,
      locks: this.locks,
      keep,
    });
  }

  private async withMirrorTimed<T>(
    request: MirrorRequest,
    use: (view: MirrorView, ref: RefRequest) => Promise<T>,
  ): Promise<{ value: T; mirror: string; action: ProvisionResult['mirrorAction'] }> {
    const repo = parseRepositoryUrl(request.url);
    const ref = parseRef(request.ref);
    const mirror = mirrorPathOf(this.options.cacheDir, repo);
    const arrived = performance.now();
    let action: ProvisionResult['mirrorAction'] = 'reused';
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      // A pinned commit already in the mirror needs no fetch and so no exclusive lock.
      const wantsFetch = ref.kind !== 'commit' || attempt > 1;
      if (wantsFetch || (await this.resolveShared(mirror, ref, request)) === null) {
        const updated = await this.update(repo, mirror, ref, request, arrived);
        if (updated !== 'reused') action = updated;
      }
      const shared = await this.locks.acquire(mirror, 'shared', request.signal);
      try {
        const commit = await this.resolve(mirror, ref, request.signal);
        if (commit === null && (await this.gitDirOk(mirror))) break; // fetched, and still not there
        if (commit === null) continue; // evicted between the fetch and now: go round again
        await writeFile(path.join(mirror, LAST_USED_MARKER), '');
        const value = await use({ gitDir: mirror, commit }, ref);
        return { value, mirror, action };
      } finally {
        await shared.release();
      }
    }
    throw new GitCommandError('not-found', 'rev-parse', null, `${request.ref} is not in ${repo.url}`);
  }

  /** Resolves under a shared lock (used to skip the fetch for a commit the mirror already has). */
  private async resolveShared(
    mirror: string,
    ref: RefRequest,
    request: MirrorRequest,
  ): Promise<string | null> {
    const shared = await this.locks.acquire(mirror, 'shared', request.signal);
    try {
      return await this.resolve(mirror, ref, request.signal);
    } finally {
      await shared.release();
    }
  }

  /** Creates or fetches into the mirror under its exclusive lock. */
  private async update(
    repo: RepositoryUrl,
    mirror: string,
    ref: RefRequest,
    request: MirrorRequest,
    arrived: number,
  ): Promise<ProvisionResult['mirrorAction']> {
    const lock = await this.locks.acquire(mirror, 'exclusive', request.signal);
    try {
      const exists = (await this.gitDirOk(mirror)) && (await this.hasOrigin(mirror));
      if (!exists) {
        await this.create(repo, mirror, ref, request);
        return 'created';
      }
      const extra = extraRefspec(ref);
      const fresh = (this.fetchStarted.get(mirror) ?? Number.NEGATIVE_INFINITY) >= arrived;
      // Another request fetched heads and tags after this one arrived: only a missing commit or an
      // extra ref (a PR head) still needs the network.
      if (fresh && extra === null && (await this.resolve(mirror, ref, request.signal)) !== null)
        return 'reused';
      await this.fetch(mirror, ref, request);
      return 'fetched';
    } finally {
      await lock.release();
    }
  }

  private async create(repo: RepositoryUrl, mirror: string, ref: RefRequest, request: MirrorRequest) {
    const parent = path.dirname(mirror);
    // Leftovers of a creation that crashed: only the holder of this mirror's lock makes these.
    for (const entry of await readdir(parent)) {
      if (entry.startsWith(`${path.basename(mirror)}.tmp-`)) {
        await rm(path.join(parent, entry), { recursive: true, force: true });
      }
    }
    await rm(mirror, { recursive: true, force: true });
    const temp = `${mirror}.tmp-${randomUUID()}`;
    try {
      await this.git(parent, ['init', '--bare', '--quiet', '--template=', temp], request);
      await this.git(temp, ['config', 'remote.origin.url', repo.url], request);
      for (const refspec of MIRROR_REFSPECS) {
        await this.git(temp, ['config', '--add', 'remote.origin.fetch', refspec], request);
      }
      await this.fetch(temp, ref, request, mirror);
      // The mirror appears whole or not at all: a crash mid-clone leaves only a .tmp- directory.
      await rename(temp, mirror);
    } catch (err) {
      await rm(temp, { recursive: true, force: true });
      throw err;
    }
  }

  private async fetch(gitDir: string, ref: RefRequest, request: MirrorRequest, key = gitDir) {
    const started = performance.now();
    const extra = extraRefspec(ref);
    const refspecs = [...MIRROR_REFSPECS, ...(extra === null ? [] : [extra])];
    const fetchArgs = ['fetch', '--quiet', '--prune', '--no-write-fetch-head', '--no-tags', 'origin'];
    await this.git(gitDir, [...fetchArgs, ...refspecs], request, true);
    this.fetchStarted.set(key, started);
    // A pinned commit no branch reaches any more (a force-pushed PR): ask for it by id.
    if (ref.kind === 'commit' && (await this.resolve(gitDir, ref, request.signal)) === null) {
      await this.git(gitDir, ['fetch', '--quiet', 'origin', ref.sha], request, true);
    }
  }

  /** Makes the checkout from a spare when there is one, else clones; true when a spare was used. */
  private async checkout(
    mirror: string,
    commit: string,
    request: ProvisionRequest,
    branch: string | undefined,
  ): Promise<boolean> {
    const dest = path.resolve(request.dest);
    await assertEmptyOrMissing(dest);
    const options = { signal: request.signal, ...this.source() };
    const space = this.space(request.diskBytes);
    if (
      this.options.spareCheckouts === true &&
      (await claimSpare(mirror, dest, commit, branch, options, space))
    ) {
      return true;
    }
    try {
      await space.disks.create(dest, space.bytes);
      await cloneFromMirror(mirror, dest, commit, branch, options);
      return false;
    } catch (err) {
      await space.disks.remove(dest);
      throw err;
    }
  }

  /** Where a checkout of at most `bytes` goes: never bigger than the cache's own limit. */
  private space(bytes?: number): CheckoutSpace {
    const base = this.options.checkouts ?? { disks: DIRECTORY_DISKS, bytes: Number.POSITIVE_INFINITY };
    return bytes === undefined ? base : { disks: base.disks, bytes: Math.min(bytes, base.bytes) };
  }

  /** One spare per mirror, made in the background; its failure is kept for `idle`, never thrown. */
  private refill(mirror: string, commit: string): void {
    if (this.refills.has(mirror)) return;
    const task = (async () => {
      const space = this.space();
      if (await hasSpare(mirror, space)) return;
      await makeSpare(
        mirror,
        commit,
        this.source(),
        async () => {
          const lock = await this.locks.acquire(mirror, 'shared');
          if (!(await this.gitDirOk(mirror))) {
            await lock.release();
            throw new Error('mirror evicted before its spare was made');
          }
          return () => lock.release();
        },
        space,
      );
    })()
      .catch((err: unknown) => {
        this.errors.push(`spare checkout for ${mirror}: ${err instanceof Error ? err.message : String(err)}`);
      })
      .finally(() => this.refills.delete(mirror));
    this.refills.set(mirror, task);
  }

  /** The commit `ref` names in the mirror, or null when the mirror lacks it. */
  private async resolve(gitDir: string, ref: RefRequest, signal?: AbortSignal): Promise<string | null> {
    if (!(await this.gitDirOk(gitDir))) return null;
    for (const candidate of candidateRefs(ref)) {
      const found = await runGit(
        ['rev-parse', '--verify', '--quiet', '--end-of-options', `${candidate}^{commit}`],
        {
          cwd: gitDir,
          signal,
          ...this.source(),
        },
      ).catch((err: unknown) => {
        if (err instanceof GitCommandError && err.exitCode === 1) return '';
        throw err;
      });
      if (found.trim() !== '') return found.trim();
    }
    return null;
  }

  private async gitDirOk(gitDir: string): Promise<boolean> {
    return readdir(gitDir).then(
      (entries) => entries.includes('objects') && entries.includes('refs'),
      () => false,
    );
  }

  /** A mirror whose config lost its origin (a crash inside `create` before the rename) is rebuilt. */
  private async hasOrigin(gitDir: string): Promise<boolean> {
    return runGit(['config', '--get', 'remote.origin.url'], { cwd: gitDir, ...this.source() }).then(
      () => true,
      () => false,
    );
  }

  private git(cwd: string, args: string[], request: MirrorRequest, network = false): Promise<string> {
    return runGit(args, {
      cwd,
      signal: request.signal,
      ...(network ? { token: request.token } : {}),
      ...this.source(),
    });
  }

  private source(): { source?: Readonly<Record<string, string | undefined>> } {
    return this.options.env === undefined ? {} : { source: this.options.env };
  }
}

async function assertEmptyOrMissing(dir: string): Promise<void> {
  const entries = await readdir(dir).catch((err: unknown) => {
    if (err instanceof Error && 'code' in err && err.code === 'ENOENT') return [];
    throw err;
  });
  if (entries.length > 0) throw new Error(`checkout directory ${dir} is not empty`);
}

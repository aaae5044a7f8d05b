import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, realpath, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitCommandError } from '../../../src/workspace/git/git-errors.js';
import { MirrorCache } from '../../../src/workspace/git/mirror-cache.js';
import { type GitHttpServer, startGitHttpServer } from '../../support/git-http-server.js';
import { createUpstream, git, type Upstream } from './upstream-repo.js';

const TOKEN = `ghs_${randomBytes(18).toString('hex')}`;
const BASIC = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');

let tmp: string;
let server: GitHttpServer;
let upstream: Upstream;
let url: string;

/** Bulk that makes a first clone clearly bigger than a fetch of one small change. */
function bulkFiles(count: number, seed: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++)
    files[`data/${seed}-${i}.txt`] = `${randomBytes(1_500).toString('base64')}\n`;
  return files;
}

async function allFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  const files: string[] = [];
  for (const entry of entries) {
    if ((await stat(path.join(dir, entry))).isFile()) files.push(path.join(dir, entry));
  }
  return files;
}

async function expectNoToken(dir: string): Promise<void> {
  for (const file of await allFiles(dir)) {
    const bytes = await readFile(file);
    expect(bytes.includes(TOKEN), file).toBe(false);
    expect(bytes.includes(BASIC), file).toBe(false);
  }
}

const uploadPacks = () =>
  server.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/git-upload-pack'));

beforeEach(async () => {
  tmp = await realpath(await mkdtemp(path.join(tmpdir(), 'handsbot-mirror-test-')));
  server = await startGitHttpServer({ root: path.join(tmp, 'server'), token: TOKEN });
  upstream = await createUpstream(path.join(tmp, 'server'), 'octo', 'widgets');
  url = server.repoUrl('octo', 'widgets');
});

afterEach(async () => {
  await server.close();
  await rm(tmp, { recursive: true, force: true });
});

function cache(maxBytes = 1e12): MirrorCache {
  return new MirrorCache({ cacheDir: path.join(tmp, 'cache'), maxBytes });
}

describe('MirrorCache.provision', () => {
  it('creates the mirror on first use and later fetches only what changed', async () => {
    await upstream.commit({ 'README.md': 'hello\n', ...bulkFiles(300, 'a') });
    const mirrors = cache();
    const cold = await mirrors.provision({ url, ref: 'main', dest: path.join(tmp, 'run1'), token: TOKEN });
    expect(cold.mirrorAction).toBe('created');
    expect(cold.mirror).toBe(
      path.join(tmp, 'cache', server.url.slice(7).replace(':', '_'), 'octo', 'widgets.git'),
    );
    expect(await readFile(path.join(tmp, 'run1', 'README.md'), 'utf8')).toBe('hello\n');
    const coldBytes = uploadPacks().reduce((sum, r) => sum + r.responseBytes, 0);

    const second = await upstream.commit({ 'README.md': 'hello again\n' });
    const before = server.requests.length;
    const warm = await mirrors.provision({ url, ref: 'main', dest: path.join(tmp, 'run2'), token: TOKEN });
    expect(warm.mirrorAction).toBe('fetched');
    expect(warm.commit).toBe(second);
    expect(await readFile(path.join(tmp, 'run2', 'README.md'), 'utf8')).toBe('hello again\n');
    const warmBytes = server.requests
      .slice(before)
      .filter((r) => r.method === 'POST' && r.path.endsWith('/git-upload-pack'))
      .reduce((sum, r) => sum + r.responseBytes, 0);
    // The cold pack holds ~450 KB of data files; the warm one a commit, a tree and a blob.
    expect(coldBytes).toBeGreaterThan(300_000);
    expect(warmBytes).toBeLessThan(coldBytes / 50);
    expect(git(path.join(tmp, 'run2'), 'rev-parse', 'HEAD').trim()).toBe(second);
    expect(git(path.join(tmp, 'run2'), 'symbolic-ref', '--short', 'HEAD').trim()).toBe('main');
  });

  it('checks out a branch, a tag, a PR ref and an older commit', async () => {
    const first = await upstream.commit({ 'file.txt': 'one\n' });
    git(upstream.bare, 'tag', 'v1', first);
    await upstream.commit({ 'file.txt': 'two\n' });
    const feature = await upstream.commit({ 'file.txt': 'feature\n' }, 'feature work', 'feature/x');
    git(upstream.bare, 'update-ref', 'refs/pull/7/head', feature);
    const mirrors = cache();
    const read = (dir: string) => readFile(path.join(tmp, dir, 'file.txt'), 'utf8');

    const branch = await mirrors.provision({
      url,
      ref: 'feature/x',
      dest: path.join(tmp, 'b'),
      token: TOKEN,
    });
    expect(await read('b')).toBe('feature\n');
    expect(git(path.join(tmp, 'b'), 'symbolic-ref', '--short', 'HEAD').trim()).toBe('feature/x');
    expect(branch.commit).toBe(feature);

    await mirrors.provision({ url, ref: 'v1', dest: path.join(tmp, 't'), token: TOKEN });
    expect(await read('t')).toBe('one\n');

    const pr = await mirrors.provision({
      url,
      ref: 'refs/pull/7/head',
      dest: path.join(tmp, 'p'),
      token: TOKEN,
      branch: 'openhands/pr-7',
    });
    expect(pr.commit).toBe(feature);
    expect(git(path.join(tmp, 'p'), 'symbolic-ref', '--short', 'HEAD').trim()).toBe('openhands/pr-7');

    const before = server.requests.length;
    const pinned = await mirrors.provision({ url, ref: first, dest: path.join(tmp, 'c'), token: TOKEN });
    expect(await read('c')).toBe('one\n');
    expect(pinned.mirrorAction).toBe('reused');
    // A commit the mirror already holds costs no round trip at all.
    expect(server.requests.length).toBe(before);
    expect(() => git(path.join(tmp, 'c'), 'symbolic-ref', 'HEAD')).toThrow();
  });

  it('keeps the token out of config, remote URLs, every file of mirror and checkout, and sends it only as basic auth', async () => {
    await upstream.commit({ 'a.txt': 'a\n' });
    const mirrors = cache();
    const result = await mirrors.provision({ url, ref: 'main', dest: path.join(tmp, 'run'), token: TOKEN });
    await upstream.commit({ 'a.txt': 'b\n' });
    await mirrors.provision({ url, ref: 'main', dest: path.join(tmp, 'run2'), token: TOKEN });

    for (const dir of [result.mirror, path.join(tmp, 'run', '.git'), path.join(tmp, 'run2', '.git')]) {
      await expectNoToken(dir);
    }
    expect(git(result.mirror, 'config', 'remote.origin.url').trim()).toBe(url);
    expect(git(path.join(tmp, 'run'), 'remote', 'get-url', 'origin').trim()).toBe(url);
    for (const dir of [result.mirror, path.join(tmp, 'run')]) {
      expect(git(dir, 'config', '--list')).not.toMatch(/extraheader|credential|x-access-token/i);
    }
    // Git tries once without credentials, gets the 401 and never asks for any: every request with
    // an Authorization header carries exactly the installation token.
    const withAuth = server.requests.filter((r) => r.authorization !== null);
    expect(withAuth.length).toBeGreaterThan(0);
    for (const request of withAuth) expect(request.authorization).toBe(`basic ${BASIC}`);
  });

  it('fails with a clear auth error and no token in the error when the token is wrong', async () => {
    await upstream.commit({ 'a.txt': 'a\n' });
    const wrong = `ghs_${randomBytes(18).toString('hex')}`;
    const error = await cache()
      .provision({ url, ref: 'main', dest: path.join(tmp, 'run'), token: wrong })
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(GitCommandError);
    const gitError = error as GitCommandError;
    expect(gitError.kind).toBe('auth');
    expect(gitError.command).toBe('fetch');
    const everything = `${gitError.message}\n${gitError.stack}\n${inspect(gitError, { depth: 5 })}\n${JSON.stringify(gitError)}`;
    expect(everything).not.toContain(wrong);
    expect(everything).not.toContain(Buffer.from(`x-access-token:${wrong}`).toString('base64'));
    // Nothing half-made is left behind: the next try starts clean.
    expect(await readdir(path.join(tmp, 'cache'), { recursive: true })).not.toContain(
      expect.stringMatching(/widgets\.git$/),
    );
    await expect(stat(path.join(tmp, 'run'))).rejects.toThrow();
  });

  it('reports a missing ref as not-found and refuses option-like refs and URLs with credentials', async () => {
    await upstream.commit({ 'a.txt': 'a\n' });
    const mirrors = cache();
    const missing = await mirrors
      .provision({ url, ref: 'no-such-branch', dest: path.join(tmp, 'x'), token: TOKEN })
      .catch((err: unknown) => err);
    expect(missing).toBeInstanceOf(GitCommandError);
    expect((missing as GitCommandError).kind).toBe('not-found');
    await expect(
      mirrors.provision({ url, ref: '--upload-pack=touch /tmp/x', dest: path.join(tmp, 'y') }),
    ).rejects.toThrow(TypeError);
    const withCredentials = url.replace('http://', `http://x-access-token:${TOKEN}@`);
    const error = await mirrors
      .provision({ url: withCredentials, ref: 'main', dest: path.join(tmp, 'z') })
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(TypeError);
    expect(String(error)).not.toContain(TOKEN);
  });

  it('stops when aborted', async () => {
    await upstream.commit({ 'a.txt': 'a\n' });
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(
      cache().provision({
        url,
        ref: 'main',
        dest: path.join(tmp, 'run'),
        token: TOKEN,
        signal: controller.signal,
      }),
    ).rejects.toThrow('stop');
  });
});

describe('MirrorCache with spare checkouts', () => {
  it('hands the next run a spare brought up to date, clean and independent, and makes a new one', async () => {
    await upstream.commit({ 'a.txt': 'one\n', 'gone.txt': 'x\n', ...bulkFiles(50, 's') });
    const mirrors = new MirrorCache({
      cacheDir: path.join(tmp, 'cache'),
      maxBytes: 1e12,
      spareCheckouts: true,
    });
    const first = await mirrors.provision({ url, ref: 'main', dest: path.join(tmp, 'run1'), token: TOKEN });
    expect(first.fromSpare).toBe(false);
    expect(await mirrors.idle()).toEqual([]);

    const second = await upstream.commit({ 'a.txt': 'two\n', 'gone.txt': null, 'b.txt': 'new\n' });
    const [warm, other] = await Promise.all([
      mirrors.provision({ url, ref: 'main', dest: path.join(tmp, 'run2'), token: TOKEN }),
      mirrors.provision({
        url,
        ref: 'main',
        dest: path.join(tmp, 'run3'),
        token: TOKEN,
        branch: 'openhands/x',
      }),
    ]);
    // One spare, two runs: exactly one of them got it, the other cloned.
    expect([warm.fromSpare, other.fromSpare].sort()).toEqual([false, true]);
    for (const [dir, branch] of [
      ['run2', 'main'],
      ['run3', 'openhands/x'],
    ] as const) {
      const checkout = path.join(tmp, dir);
      expect(git(checkout, 'rev-parse', 'HEAD').trim()).toBe(second);
      expect(git(checkout, 'symbolic-ref', '--short', 'HEAD').trim()).toBe(branch);
      expect(git(checkout, 'status', '--porcelain', '--untracked-files=all')).toBe('');
      expect(await readFile(path.join(checkout, 'a.txt'), 'utf8')).toBe('two\n');
      await expect(stat(path.join(checkout, 'gone.txt'))).rejects.toThrow();
      expect(git(checkout, 'remote', 'get-url', 'origin').trim()).toBe(url);
      expect(git(checkout, 'rev-parse', 'origin/main').trim()).toBe(second);
      await expect(stat(path.join(checkout, '.git', 'objects', 'info', 'alternates'))).rejects.toThrow();
      git(checkout, 'fsck', '--no-progress');
      await expectNoToken(path.join(checkout, '.git'));
    }
    expect(await mirrors.idle()).toEqual([]);
    expect(await readdir(path.join(warm.mirror, 'handsbot-spares'))).toEqual([
      expect.stringMatching(/^ready-/),
    ]);
  });
});

describe('MirrorCache under concurrency', () => {
  it('two concurrent provisions of one repository both succeed and leave a sound mirror', async () => {
    await upstream.commit({ 'a.txt': 'a\n', ...bulkFiles(100, 'c') });
    const mirrors = cache();
    const [one, two] = await Promise.all([
      mirrors.provision({ url, ref: 'main', dest: path.join(tmp, 'one'), token: TOKEN }),
      mirrors.provision({ url, ref: 'main', dest: path.join(tmp, 'two'), token: TOKEN }),
    ]);
    expect(one.commit).toBe(two.commit);
    expect([one.mirrorAction, two.mirrorAction].sort()).toEqual(['created', 'reused']);
    git(one.mirror, 'fsck', '--strict', '--no-progress');
    for (const dir of ['one', 'two']) git(path.join(tmp, dir), 'fsck', '--no-progress');
  });

  it('two caches over one directory (as two worker processes would be) serialise through the lock file', async () => {
    await upstream.commit({ 'a.txt': 'a\n', ...bulkFiles(100, 'd') });
    const first = cache();
    const second = cache();
    const runs = await Promise.all(
      [0, 1, 2, 3].map(async (i) => {
        if (i === 2) await upstream.commit({ 'a.txt': 'changed\n' });
        return (i % 2 === 0 ? first : second).provision({
          url,
          ref: 'main',
          dest: path.join(tmp, `run${i}`),
          token: TOKEN,
        });
      }),
    );
    expect(runs.filter((run) => run.mirrorAction === 'created')).toHaveLength(1);
    const mirror = runs[0]?.mirror ?? '';
    git(mirror, 'fsck', '--strict', '--no-progress');
    expect(await readdir(path.dirname(mirror))).toEqual(['widgets.git', 'widgets.git.lock']);
  });
});

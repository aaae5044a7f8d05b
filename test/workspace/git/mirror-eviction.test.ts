import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, realpath, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listMirrors } from '../../../src/workspace/git/evict-mirrors.js';
import { MirrorCache } from '../../../src/workspace/git/mirror-cache.js';
import { type GitHttpServer, startGitHttpServer } from '../../support/git-http-server.js';
import { createUpstream } from './upstream-repo.js';

const TOKEN = `ghs_${randomBytes(18).toString('hex')}`;
let tmp: string;
let server: GitHttpServer;
const urls: Record<string, string> = {};

beforeEach(async () => {
  tmp = await realpath(await mkdtemp(path.join(tmpdir(), 'handsbot-evict-test-')));
  server = await startGitHttpServer({ root: path.join(tmp, 'server'), token: TOKEN });
  // Three repositories of ~100 KB packed each (random data does not compress).
  for (const name of ['alpha', 'beta', 'gamma']) {
    const upstream = await createUpstream(path.join(tmp, 'server'), 'octo', name);
    await upstream.commit({ 'blob.bin': randomBytes(100_000).toString('base64') });
    urls[name] = server.repoUrl('octo', name);
  }
});

afterEach(async () => {
  await server.close();
  await rm(tmp, { recursive: true, force: true });
});

const mirrorNames = async () =>
  (await listMirrors(path.join(tmp, 'cache'))).map((mirror) => path.basename(mirror.path)).sort();

async function provision(cache: MirrorCache, name: string, run: string) {
  const url = urls[name] ?? '';
  return cache.provision({ url, ref: 'main', dest: path.join(tmp, 'runs', run), token: TOKEN });
}

describe('mirror eviction', () => {
  it('evicts least recently used mirrors once the cache passes maxBytes, keeping the most recent', async () => {
    const probe = new MirrorCache({ cacheDir: path.join(tmp, 'probe'), maxBytes: 1e12 });
    const one = await probe.provision({
      url: urls.alpha ?? '',
      ref: 'main',
      dest: path.join(tmp, 'probe-run'),
      token: TOKEN,
    });
    const size = (await listMirrors(path.join(tmp, 'probe')))[0]?.bytes ?? 0;
    expect(one.mirrorAction).toBe('created');
    expect(size).toBeGreaterThan(100_000);

    // Room for two mirrors, not three.
    const cache = new MirrorCache({ cacheDir: path.join(tmp, 'cache'), maxBytes: Math.floor(size * 2.5) });
    await provision(cache, 'alpha', 'a1');
    await provision(cache, 'beta', 'b1');
    expect(await mirrorNames()).toEqual(['alpha.git', 'beta.git']);
    // Using alpha again makes beta the least recent one.
    await provision(cache, 'alpha', 'a2');
    const third = await provision(cache, 'gamma', 'g1');
    expect(third.eviction).toMatchObject({ evicted: [expect.stringMatching(/beta\.git$/)], busy: [] });
    expect(await mirrorNames()).toEqual(['alpha.git', 'gamma.git']);
    // Checkouts are independent of their mirror: beta's still works after the eviction.
    expect((await stat(path.join(tmp, 'runs', 'b1', 'blob.bin'))).size).toBeGreaterThan(100_000);
    // Nothing half-deleted is left in the cache directory.
    expect((await readdir(path.join(tmp, 'cache'))).filter((entry) => entry.startsWith('.'))).toEqual([]);
  });

  it('never evicts a mirror that is in use, even when it is the least recently used', async () => {
    const cache = new MirrorCache({ cacheDir: path.join(tmp, 'cache'), maxBytes: 1e12 });
    await provision(cache, 'alpha', 'a1');
    await provision(cache, 'beta', 'b1');
    const tight = new MirrorCache({ cacheDir: path.join(tmp, 'cache'), maxBytes: 1 });
    // alpha is held (as while its base-branch files are read) by the first cache; the second, like
    // another worker process, sees it only through the lock file.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered: () => void = () => undefined;
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const reading = cache.withMirror({ url: urls.alpha ?? '', ref: 'main', token: TOKEN }, async () => {
      entered();
      await held;
    });
    await inside;
    // Make alpha the oldest by far.
    const alpha = (await listMirrors(path.join(tmp, 'cache'))).find((m) => m.path.endsWith('alpha.git'));
    await utimes(path.join(alpha?.path ?? '', 'handsbot-last-used'), new Date(0), new Date(0));

    const result = await provision(tight, 'gamma', 'g1');
    expect(result.eviction).toMatchObject({
      evicted: [expect.stringMatching(/beta\.git$/)],
      busy: [expect.stringMatching(/alpha\.git$/)],
    });
    expect(await mirrorNames()).toEqual(['alpha.git', 'gamma.git']);
    release();
    await reading;
    // Free again, alpha goes on the next pass; gamma, just used, stays.
    const later = await tight.evict(result.mirror);
    expect(later.evicted).toEqual([expect.stringMatching(/alpha\.git$/)]);
    expect(await mirrorNames()).toEqual(['gamma.git']);
  });

  it('an evicted mirror is simply created again on its next use', async () => {
    const cache = new MirrorCache({ cacheDir: path.join(tmp, 'cache'), maxBytes: 1 });
    await provision(cache, 'alpha', 'a1');
    await provision(cache, 'beta', 'b1');
    expect(await mirrorNames()).toEqual(['beta.git']);
    const again = await provision(cache, 'alpha', 'a2');
    expect(again.mirrorAction).toBe('created');
  });
});

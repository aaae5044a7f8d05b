import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BranchPolicyError,
  GitCommandError,
  TamperedCheckoutError,
} from '../../../src/workspace/git/git-errors.js';
import { MirrorCache } from '../../../src/workspace/git/mirror-cache.js';
import { type PushBranchRequest, pushBranch } from '../../../src/workspace/git/push-branch.js';
import { type GitHttpServer, startGitHttpServer } from '../../support/git-http-server.js';
import { createUpstream, git, type Upstream } from './upstream-repo.js';

const TOKEN = `ghs_${randomBytes(18).toString('hex')}`;
const APP = { name: 'handsbot[bot]', email: '123+handsbot[bot]@users.noreply.github.com' };
const REQUESTER = { name: 'Mona Lisa', email: 'mona@example.com' };
const POLICY = { allowedPrefixes: ['openhands/'], protectedBranches: ['main', 'release'] };

let tmp: string;
let server: GitHttpServer;
let decoy: GitHttpServer;
let upstream: Upstream;
let url: string;
let checkout: string;
let base: string;

beforeEach(async () => {
  tmp = await realpath(await mkdtemp(path.join(tmpdir(), 'handsbot-push-test-')));
  server = await startGitHttpServer({ root: path.join(tmp, 'server'), token: TOKEN });
  // Where a tampered remote would send the push (and the token): it must never hear from us.
  decoy = await startGitHttpServer({ root: path.join(tmp, 'decoy'), token: 'decoy-token' });
  upstream = await createUpstream(path.join(tmp, 'server'), 'octo', 'widgets');
  await createUpstream(path.join(tmp, 'decoy'), 'octo', 'widgets');
  base = await upstream.commit({
    'src/math.js': 'export const add = (a, b) => a - b;\n',
    'old.txt': 'old\n',
  });
  url = server.repoUrl('octo', 'widgets');
  checkout = path.join(tmp, 'run');
  await new MirrorCache({ cacheDir: path.join(tmp, 'cache'), maxBytes: 1e12 }).provision({
    url,
    ref: base,
    dest: checkout,
    token: TOKEN,
  });
});

afterEach(async () => {
  await server.close();
  await decoy.close();
  await rm(tmp, { recursive: true, force: true });
});

function request(overrides: Partial<PushBranchRequest> = {}): PushBranchRequest {
  return {
    checkoutDir: checkout,
    url,
    baseCommit: base,
    branch: 'openhands/fix-issue-3',
    policy: POLICY,
    token: TOKEN,
    message: 'Fix issue #3: add subtracts\n\nThis fixes #3.',
    author: APP,
    coAuthors: [REQUESTER],
    ...overrides,
  };
}

async function agentEdits(): Promise<void> {
  await writeFile(path.join(checkout, 'src/math.js'), 'export const add = (a, b) => a + b;\n');
  await writeFile(path.join(checkout, 'new.txt'), 'untracked and new\n');
  await rm(path.join(checkout, 'old.txt'));
}

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

describe('pushBranch', () => {
  it('commits the working tree as the app on top of the base, with a Co-authored-by trailer, and pushes it', async () => {
    await agentEdits();
    // The agent's own commit is not what gets pushed: the tree is, as one commit by the app.
    git(
      checkout,
      '-c',
      'user.name=agent',
      '-c',
      'user.email=agent@evil.invalid',
      'commit',
      '-qam',
      'agent commit',
    );
    const result = await pushBranch(request());
    expect(result.kind).toBe('pushed');
    const commit = upstream.rev('refs/heads/openhands/fix-issue-3');
    expect(result).toEqual({ kind: 'pushed', commit, branch: 'openhands/fix-issue-3' });
    expect(git(upstream.bare, 'rev-parse', `${commit}^`).trim()).toBe(base);
    expect(git(upstream.bare, 'log', '-1', '--format=%an <%ae>|%cn <%ce>', commit).trim()).toBe(
      `${APP.name} <${APP.email}>|${APP.name} <${APP.email}>`,
    );
    expect(git(upstream.bare, 'log', '-1', '--format=%B', commit).trim()).toBe(
      'Fix issue #3: add subtracts\n\nThis fixes #3.\n\nCo-authored-by: Mona Lisa <mona@example.com>',
    );
    expect(
      git(upstream.bare, 'log', '-1', '--format=%(trailers:key=Co-authored-by,valueonly)', commit).trim(),
    ).toBe('Mona Lisa <mona@example.com>');
    expect(git(upstream.bare, 'show', `${commit}:src/math.js`)).toContain('a + b');
    expect(git(upstream.bare, 'show', `${commit}:new.txt`)).toBe('untracked and new\n');
    expect(git(upstream.bare, 'ls-tree', '--name-only', commit).split('\n')).not.toContain('old.txt');
    // The token went only to the real server, only as basic auth, and was stored nowhere.
    expect(decoy.requests).toEqual([]);
    for (const r of server.requests.filter((r) => r.authorization !== null)) expect(r.authorized).toBe(true);
    expect(await readFile(path.join(checkout, '.git', 'config'), 'utf8')).not.toContain(TOKEN);
  });

  it('says so and pushes nothing when the tree did not change', async () => {
    const before = server.requests.length;
    expect(await pushBranch(request())).toEqual({ kind: 'no-changes' });
    expect(server.requests.length).toBe(before);
  });

  it.each([
    ['bad..name', 'invalid-name'],
    ['-f', 'invalid-name'],
    ['openhands/has space', 'invalid-name'],
    ['openhands/@{-1}', 'invalid-name'],
    ['openhands/x.lock', 'invalid-name'],
    ['refs/heads/openhands/x', 'invalid-name'],
    ['feature/x', 'prefix'],
    ['openhands/', 'invalid-name'],
    ['openhandsx', 'prefix'],
  ] as const)('refuses the branch name %j (%s)', async (branch, reason) => {
    await agentEdits();
    const error = await pushBranch(request({ branch })).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(BranchPolicyError);
    expect((error as BranchPolicyError).reason).toBe(reason);
    expect(server.requests.filter((r) => r.path.endsWith('git-receive-pack'))).toEqual([]);
  });

  it.each(['main', 'MAIN', 'release'])(
    'refuses to push to the protected branch %j whatever the prefixes allow',
    async (branch) => {
      await agentEdits();
      const error = await pushBranch(
        request({
          branch,
          policy: { allowedPrefixes: [], protectedBranches: ['refs/heads/main', 'release'] },
        }),
      ).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(BranchPolicyError);
      expect((error as BranchPolicyError).reason).toBe('protected');
      expect(upstream.rev('main')).toBe(base);
    },
  );

  it('refuses a checkout whose origin the agent pointed elsewhere, and the push never reaches that URL', async () => {
    await agentEdits();
    git(checkout, 'remote', 'set-url', 'origin', decoy.repoUrl('octo', 'widgets'));
    git(checkout, 'config', 'remote.origin.pushurl', decoy.repoUrl('octo', 'widgets'));
    git(checkout, 'config', 'remote.origin.receivepack', 'touch /tmp/pwned; git-receive-pack');
    git(checkout, 'config', `url.${decoy.url}/.insteadOf`, `${server.url}/`);
    const error = await pushBranch(request()).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(TamperedCheckoutError);
    expect((error as TamperedCheckoutError).findings.map((f) => f.key).sort()).toEqual([
      'remote.origin.pushurl',
      'remote.origin.receivepack',
      'remote.origin.url',
      `url.${decoy.url}/.insteadof`,
    ]);
    expect(decoy.requests).toEqual([]);
    expect(String(error)).not.toContain(TOKEN);
  });

  it('refuses a checkout with a hooks path, credential helper or ssh command, and never runs the hook', async () => {
    await agentEdits();
    const marker = path.join(tmp, 'hook-ran');
    const hooks = path.join(checkout, '.evil-hooks');
    await mkdir(hooks);
    for (const hook of ['pre-push', 'pre-commit', 'post-commit', 'reference-transaction']) {
      await writeFile(path.join(hooks, hook), `#!/bin/sh\necho "$0" >> ${marker}\n`);
      await chmod(path.join(hooks, hook), 0o755);
    }
    git(checkout, 'config', 'core.hooksPath', hooks);
    git(checkout, 'config', 'credential.helper', '!f() { echo password=stolen; }; f');
    git(checkout, 'config', 'core.sshCommand', `touch ${marker}`);
    const error = await pushBranch(request()).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(TamperedCheckoutError);
    expect((error as TamperedCheckoutError).findings.map((f) => f.key).sort()).toEqual([
      'core.hookspath',
      'core.sshcommand',
      'credential.helper',
    ]);
    expect(await exists(marker)).toBe(false);
  });

  it('runs none of what the agent planted that the config check lets through: hooks in .git/hooks and clean filters', async () => {
    await agentEdits();
    const marker = path.join(tmp, 'ran');
    for (const hook of [
      'pre-push',
      'pre-commit',
      'post-commit',
      'reference-transaction',
      'post-index-change',
    ]) {
      await writeFile(path.join(checkout, '.git', 'hooks', hook), `#!/bin/sh\necho "$0" >> ${marker}\n`);
      await chmod(path.join(checkout, '.git', 'hooks', hook), 0o755);
    }
    git(checkout, 'config', 'filter.evil.clean', `sh -c 'echo filter >> ${marker}; cat'`);
    git(checkout, 'config', 'filter.evil.required', 'true');
    await writeFile(path.join(checkout, '.gitattributes'), '* filter=evil\n');
    const result = await pushBranch(request());
    expect(result.kind).toBe('pushed');
    expect(await exists(marker)).toBe(false);
  });

  it('never force-pushes unless told: a non-fast-forward is rejected, then replaced with force', async () => {
    await agentEdits();
    await pushBranch(request());
    // Someone else moved the branch on: our commit (on the old base) is no fast-forward of theirs.
    await upstream.commit({ 'other.txt': 'theirs\n' }, 'theirs', 'openhands/fix-issue-3');
    const theirs = upstream.rev('refs/heads/openhands/fix-issue-3');
    const error = await pushBranch(request({ message: 'second try' })).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(GitCommandError);
    expect((error as GitCommandError).kind).toBe('rejected');
    expect(upstream.rev('refs/heads/openhands/fix-issue-3')).toBe(theirs);
    const forced = await pushBranch(request({ message: 'second try', force: true }));
    expect(upstream.rev('refs/heads/openhands/fix-issue-3')).toBe(
      forced.kind === 'pushed' ? forced.commit : '',
    );
  });

  it('a wrong token fails as auth without the token in the error', async () => {
    await agentEdits();
    const wrong = `ghs_${randomBytes(18).toString('hex')}`;
    const error = await pushBranch(request({ token: wrong })).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(GitCommandError);
    expect((error as GitCommandError).kind).toBe('auth');
    expect(`${String(error)} ${JSON.stringify(error)}`).not.toContain(wrong);
  });
});

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, link, mkdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalWorkspace } from '../../../src/workspace/local-workspace.js';
import { WorkspacePathError } from '../../../src/workspace/workspace.js';
import { type DockerTestContext, dockerTestContext } from './test-workspace.js';

const ROOT = '/workspace/repo';
let ctx: DockerTestContext;
let host: string;

// The checkout may belong to the sandbox user during the run: host-side git must be told it is safe.
const git = (...args: string[]) =>
  execFileSync(
    'git',
    ['-c', 'safe.directory=*', '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args],
    {
      cwd: host,
    },
  ).toString();

beforeEach(async () => {
  ctx = await dockerTestContext();
  host = await ctx.folder();
});

afterEach(async () => {
  // Left undefined when connecting failed: that error is the one to see, not a follow-on.
  await ctx?.cleanup();
});

describe('file access in the container', () => {
  it('reads, writes (creating parents) and stats; both the agent and the worker can write the files', async () => {
    const workspace = await ctx.workspace({ hostCheckoutDir: host });
    await workspace.writeFile(`${ROOT}/a/b/c.txt`, 'hello');
    expect((await workspace.readFile(`${ROOT}/a/b/c.txt`)).toString()).toBe('hello');
    expect(await workspace.stat(`${ROOT}/a/b/c.txt`)).toEqual({ type: 'file', size: 5 });
    expect(await workspace.stat(`${ROOT}/a`)).toEqual({ type: 'directory' });
    expect(await workspace.stat(`${ROOT}/nope`)).toEqual({ type: 'missing' });
    expect(await workspace.stat('a/b/c.txt')).toEqual({ type: 'file', size: 5 });

    const shell = await workspace.exec('echo " from agent" >> a/b/c.txt && touch a/made-by-agent');
    expect(shell.exitCode).toBe(0);
    await appendFile(path.join(host, 'a/b/c.txt'), ' from worker');
    await writeFile(path.join(host, 'a/made-by-agent'), 'worker wrote this');
    expect((await workspace.readFile(`${ROOT}/a/b/c.txt`)).toString()).toBe('hello from agent\n from worker');
    const bytes = Buffer.from([0, 1, 2, 255, 254]);
    await workspace.writeFile(`${ROOT}/bin.dat`, bytes);
    expect(await readFile(path.join(host, 'bin.dat'))).toEqual(bytes);
  });

  it('gives the checkout back to its owner when the run is over', async () => {
    const before = await stat(host);
    const workspace = await ctx.workspace({ hostCheckoutDir: host });
    await workspace.writeFile(`${ROOT}/new/file.txt`, 'x');
    await workspace.close();
    const file = await stat(path.join(host, 'new/file.txt'));
    expect([file.uid, file.gid]).toEqual([before.uid, before.gid]);
  });

  // Only a root worker hands the checkout over; any other worker's sandbox runs as the worker itself.
  it.runIf(process.getuid?.() === 0)(
    'never hands over a file hardlinked from outside the checkout (a mirror object)',
    async () => {
      const mirror = await ctx.folder();
      await writeFile(path.join(mirror, 'object'), 'shared\n', { mode: 0o444 });
      await link(path.join(mirror, 'object'), path.join(host, 'object'));
      const workspace = await ctx.workspace({ hostCheckoutDir: host });
      const attempt = await workspace.exec('chmod u+w object || true; echo poisoned >> object');
      expect(attempt.exitCode).not.toBe(0);
      expect(await readFile(path.join(mirror, 'object'), 'utf8')).toBe('shared\n');
      expect((await workspace.readFile(`${ROOT}/object`)).toString()).toBe('shared\n');
    },
  );

  it('refuses paths outside the checkout, through .. or symlinks the agent made', async () => {
    const workspace = await ctx.workspace({ hostCheckoutDir: host });
    await workspace.exec(
      'ln -s /etc etc-link; ln -s /nonexistent/target dangling; mkdir real; echo inside > real/f; ln -s real alias',
    );
    const refused = [
      () => workspace.readFile(`${ROOT}/../../etc/passwd`),
      () => workspace.readFile('/proc/self/environ'),
      () => workspace.writeFile(`${ROOT}/../outside.txt`, 'x'),
      () => workspace.readFile(`${ROOT}/etc-link/passwd`),
      () => workspace.writeFile(`${ROOT}/etc-link/new-file`, 'x'),
      () => workspace.stat(`${ROOT}/etc-link`),
      () => workspace.listTree(`${ROOT}/etc-link`, 2),
      () => workspace.writeFile(`${ROOT}/dangling`, 'x'),
    ];
    for (const attempt of refused) await expect(attempt()).rejects.toBeInstanceOf(WorkspacePathError);
    expect((await workspace.readFile(`${ROOT}/alias/f`)).toString()).toBe('inside\n');
  });

  it('lists the tree exactly as the local workspace does', async () => {
    await mkdir(path.join(host, 'src/deep/deeper'), { recursive: true });
    await mkdir(path.join(host, '.git-like'));
    for (const file of ['src/index.ts', 'src/deep/x.ts', '.env', 'README.md', 'b.txt', 'B.md', 'a b.txt']) {
      await writeFile(path.join(host, file), '');
    }
    await symlink('src', path.join(host, 'link-to-src'));
    const local = await createLocalWorkspace({ root: host }).listTree(host, 3);
    const workspace = await ctx.workspace({ hostCheckoutDir: host });
    const inContainer = await workspace.listTree(ROOT, 3);
    expect(inContainer).toEqual(local.map((line) => line.replace(host, ROOT)));
    expect(inContainer).toContain(`${ROOT}/src/deep/deeper/`);
    expect(await workspace.listTree(`${ROOT}/src/`, 1)).toEqual([
      `${ROOT}/src/deep/`,
      `${ROOT}/src/index.ts`,
    ]);
  });
});

describe('diff in the container', () => {
  it('shows changes against HEAD and untracked files, without touching the real index', async () => {
    git('init', '-q');
    await writeFile(path.join(host, 'tracked.txt'), 'one\n');
    await writeFile(path.join(host, 'gone.txt'), 'bye\n');
    await writeFile(path.join(host, '.gitignore'), 'ignored.txt\n');
    git('add', '.');
    git('commit', '-qm', 'init');
    const workspace = await ctx.workspace({ hostCheckoutDir: host });
    await workspace.exec(
      "printf 'one\\ntwo\\n' > tracked.txt; rm gone.txt; echo fresh > new.txt; echo nope > ignored.txt",
    );
    const statusBefore = git('status', '--porcelain');

    const diff = await workspace.diff();
    expect(diff).toContain('+two');
    expect(diff).toContain('deleted file mode');
    expect(diff).toContain('diff --git a/new.txt b/new.txt');
    expect(diff).toContain('+fresh');
    expect(diff).not.toContain('ignored.txt');
    expect(git('status', '--porcelain')).toBe(statusBefore);
    expect(git('diff', '--cached', '--name-only')).toBe('');
  });

  it('works in a repository without commits', async () => {
    git('init', '-q');
    const workspace = await ctx.workspace({ hostCheckoutDir: host });
    await workspace.writeFile(`${ROOT}/first.txt`, 'hi\n');
    const diff = await workspace.diff();
    expect(diff).toContain('new file mode');
    expect(diff).toContain('+hi');
  });

  it('a filter the agent configures runs, if at all, inside the sandbox and never on the host', async () => {
    git('init', '-q');
    await writeFile(path.join(host, 'a.txt'), 'one\n');
    git('add', '.');
    git('commit', '-qm', 'init');
    const marker = `/tmp/hb-filter-ran-${process.pid}-${Date.now()}`;
    const workspace = await ctx.workspace({ hostCheckoutDir: host });
    await workspace.exec(
      `echo '*.txt filter=evil' > .gitattributes; git config filter.evil.clean 'touch ${marker}; cat'; echo two >> a.txt`,
    );
    expect(await workspace.diff()).toContain('+two');
    expect(existsSync(marker)).toBe(false);
    await rm(marker, { force: true });
  });
});

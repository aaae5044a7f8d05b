import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalWorkspace } from '../../src/workspace/local-workspace.js';
import { type Workspace, WorkspacePathError } from '../../src/workspace/workspace.js';

let root: string;
let workspace: Workspace;

const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    cwd: root,
  }).toString();

beforeEach(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'hb-ws-')));
  workspace = createLocalWorkspace({ root });
});

afterEach(async () => {
  await workspace.close();
  rmSync(root, { recursive: true, force: true });
});

describe('paths stay inside the workspace', () => {
  it('reads and writes inside, creating parent folders', async () => {
    await workspace.writeFile(join(root, 'a/b/c.txt'), 'hello');
    expect((await workspace.readFile(join(root, 'a/b/c.txt'))).toString()).toBe('hello');
    expect(await workspace.stat(join(root, 'a/b/c.txt'))).toEqual({ type: 'file', size: 5 });
    expect(await workspace.stat(join(root, 'a'))).toEqual({ type: 'directory' });
    expect(await workspace.stat(join(root, 'nope'))).toEqual({ type: 'missing' });
  });

  it('refuses an escape through ..', async () => {
    await expect(workspace.readFile(join(root, '../../etc/passwd'))).rejects.toBeInstanceOf(
      WorkspacePathError,
    );
    await expect(workspace.readFile('/proc/self/environ')).rejects.toBeInstanceOf(WorkspacePathError);
    await expect(workspace.writeFile(join(root, '..', 'outside.txt'), 'x')).rejects.toBeInstanceOf(
      WorkspacePathError,
    );
  });

  it('refuses an escape through a symlink to /etc, for reads, writes and listings', async () => {
    symlinkSync('/etc', join(root, 'etc-link'));
    await expect(workspace.readFile(join(root, 'etc-link/passwd'))).rejects.toBeInstanceOf(
      WorkspacePathError,
    );
    await expect(workspace.writeFile(join(root, 'etc-link/new-file'), 'x')).rejects.toBeInstanceOf(
      WorkspacePathError,
    );
    await expect(workspace.stat(join(root, 'etc-link'))).rejects.toBeInstanceOf(WorkspacePathError);
    await expect(workspace.listTree(join(root, 'etc-link'), 2)).rejects.toBeInstanceOf(WorkspacePathError);
  });

  it('refuses writing through a dangling symlink that points outside', async () => {
    const outside = join(tmpdir(), `hb-outside-${process.pid}-${Date.now()}`);
    symlinkSync(outside, join(root, 'dangling'));
    await expect(workspace.writeFile(join(root, 'dangling'), 'x')).rejects.toBeInstanceOf(WorkspacePathError);
  });

  it('follows a symlink that stays inside', async () => {
    mkdirSync(join(root, 'real'));
    writeFileSync(join(root, 'real/f.txt'), 'inside');
    symlinkSync(join(root, 'real'), join(root, 'alias'));
    expect((await workspace.readFile(join(root, 'alias/f.txt'))).toString()).toBe('inside');
  });

  it('refuses a one-off command cwd outside the root', async () => {
    await expect(workspace.exec('pwd', { cwd: '/etc' })).rejects.toBeInstanceOf(WorkspacePathError);
  });
});

describe('listTree', () => {
  it('lists two levels, skipping hidden entries, directories ending in /', async () => {
    mkdirSync(join(root, 'src/deep/deeper'), { recursive: true });
    mkdirSync(join(root, '.git-like'));
    writeFileSync(join(root, 'src/index.ts'), '');
    writeFileSync(join(root, 'src/deep/x.ts'), '');
    writeFileSync(join(root, '.env'), 'SECRET=1');
    writeFileSync(join(root, 'README.md'), '');
    expect(await workspace.listTree(root, 2)).toEqual([
      `${root}/README.md`,
      `${root}/src/`,
      `${root}/src/deep/`,
      `${root}/src/index.ts`,
    ]);
  });
});

describe('exec', () => {
  it('runs a one-off command with merged output and exit code', async () => {
    const result = await workspace.exec('echo out; echo err >&2; exit 3');
    expect(result).toEqual({ exitCode: 3, output: 'out\nerr\n', timedOut: false });
  });

  it('kills the whole process group on timeout', async () => {
    const marker = join(root, 'survived');
    const started = Date.now();
    const result = await workspace.exec(`(sleep 1; touch ${marker}) & sleep 100`, { timeoutMs: 200 });
    expect(result.timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(3_000);
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    expect(() => readFileSync(marker)).toThrow();
  });

  it('stops on abort', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const result = await workspace.exec('sleep 100', { signal: controller.signal });
    expect(result.exitCode).toBe(137);
  });
});

describe('diff', () => {
  it('shows changes against HEAD and untracked files, without touching the real index', async () => {
    git('init', '-q');
    writeFileSync(join(root, 'tracked.txt'), 'one\n');
    writeFileSync(join(root, 'gone.txt'), 'bye\n');
    writeFileSync(join(root, '.gitignore'), 'ignored.txt\n');
    git('add', '.');
    git('commit', '-qm', 'init');
    writeFileSync(join(root, 'tracked.txt'), 'one\ntwo\n');
    rmSync(join(root, 'gone.txt'));
    writeFileSync(join(root, 'new.txt'), 'fresh\n');
    writeFileSync(join(root, 'ignored.txt'), 'nope\n');
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
    writeFileSync(join(root, 'first.txt'), 'hi\n');
    const diff = await workspace.diff();
    expect(diff).toContain('new file mode');
    expect(diff).toContain('+hi');
  });
});

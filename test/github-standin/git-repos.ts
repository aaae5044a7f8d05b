import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ENV = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

async function git(gitDir: string, args: string[]): Promise<string | null> {
  try {
    const { stdout } = await run('git', ['--git-dir', gitDir, ...args], { env: ENV, encoding: 'utf8' });
    return stdout;
  } catch {
    return null;
  }
}

/** `<root>/<owner>/<name>.git`, a bare copy of `from` (a working repository) or empty. */
export async function createBareRepo(
  root: string,
  owner: string,
  name: string,
  from?: string,
): Promise<string> {
  const gitDir = path.join(root, owner, `${name}.git`);
  await mkdir(path.dirname(gitDir), { recursive: true });
  const args = from ? ['clone', '--quiet', '--bare', from, gitDir] : ['init', '--quiet', '--bare', gitDir];
  await run('git', args, { env: ENV });
  return gitDir;
}

/** The commit a ref (`heads/x`, `tags/y`) or sha names, or null. */
export async function resolveCommit(gitDir: string, ref: string): Promise<string | null> {
  const name = /^[0-9a-f]{40}$/.test(ref) ? ref : `refs/${ref}`;
  const out = await git(gitDir, ['rev-parse', '--verify', '--quiet', `${name}^{commit}`]);
  return out === null ? null : out.trim();
}

/** A regular file's bytes and blob sha at `ref` (a branch name or sha), or null. */
export async function readBlob(
  gitDir: string,
  ref: string,
  filePath: string,
): Promise<{ content: Buffer; sha: string } | null> {
  const commit = (await resolveCommit(gitDir, `heads/${ref}`)) ?? (await resolveCommit(gitDir, ref));
  if (commit === null) return null;
  const spec = `${commit}:${filePath}`;
  if ((await git(gitDir, ['cat-file', '-t', spec]))?.trim() !== 'blob') return null;
  const sha = (await git(gitDir, ['rev-parse', spec]))?.trim();
  const { stdout } = await run('git', ['--git-dir', gitDir, 'cat-file', 'blob', spec], {
    env: ENV,
    encoding: 'buffer',
  });
  return sha ? { content: stdout, sha } : null;
}

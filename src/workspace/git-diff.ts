import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

/**
 * The settings of the checkout are the agent's to write (.git/config is inside the workspace), so git
 * runs here with the shell's scrubbed environment and with the hooks into arbitrary programs turned
 * off: no fsmonitor, no external diff, no textconv.
 */
const SAFE_CONFIG = ['-c', 'core.fsmonitor=false', '-c', 'core.quotepath=false', '-c', 'color.ui=false'];

/**
 * `git diff` of the working tree against HEAD with untracked (not ignored) files shown as new files.
 * Untracked files are marked intent-to-add in a throwaway index (GIT_INDEX_FILE), so the user's real
 * index is never touched.
 */
export async function gitDiff(root: string, env: Readonly<Record<string, string>>): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'handsbot-diff-'));
  const gitEnv = { ...env, GIT_INDEX_FILE: join(folder, 'index'), GIT_OPTIONAL_LOCKS: '0' };
  const git = (args: string[], input?: string) => runGit(root, gitEnv, args, input);
  try {
    const head = await git(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
    const base = head.code === 0 ? 'HEAD' : EMPTY_TREE;
    if (base === 'HEAD') await check(git(['read-tree', 'HEAD']));
    const untracked = await check(git(['ls-files', '-z', '--others', '--exclude-standard']));
    if (untracked !== '') {
      await check(
        git(['add', '--intent-to-add', '--pathspec-from-file=-', '--pathspec-file-nul'], untracked),
      );
    }
    return await check(git(['diff', '--no-ext-diff', '--no-textconv', '--no-color', base, '--']));
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

interface GitOutput {
  code: number;
  stdout: string;
  stderr: string;
  args: string[];
}

async function check(pending: Promise<GitOutput>): Promise<string> {
  const result = await pending;
  if (result.code !== 0) {
    throw new Error(`git ${result.args.join(' ')} failed (${result.code}): ${result.stderr.trim()}`);
  }
  return result.stdout;
}

function runGit(
  cwd: string,
  env: Readonly<Record<string, string>>,
  args: string[],
  input?: string,
): Promise<GitOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...SAFE_CONFIG, ...args], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.once('error', reject);
    child.once('close', (code) =>
      resolve({
        code: code ?? -1,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        args,
      }),
    );
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });
}

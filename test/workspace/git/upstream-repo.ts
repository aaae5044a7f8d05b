import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A clean environment for test-side git: nothing of the developer's config leaks in. */
export const GIT_ENV = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: tmpdir(),
  LC_ALL: 'C',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'upstream',
  GIT_AUTHOR_EMAIL: 'upstream@example.invalid',
  GIT_COMMITTER_NAME: 'upstream',
  GIT_COMMITTER_EMAIL: 'upstream@example.invalid',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, stdio: ['ignore', 'pipe', 'pipe'] }).toString('utf8');
}

/** A bare repository served at `<serverRoot>/<owner>/<name>.git`, changed through a work clone. */
export interface Upstream {
  bare: string;
  /** Writes (or, with null, deletes) files on `branch`, commits and pushes; returns the commit. */
  commit(files: Record<string, string | null>, message?: string, branch?: string): Promise<string>;
  rev(ref: string): string;
}

export async function createUpstream(serverRoot: string, owner: string, name: string): Promise<Upstream> {
  const bare = path.join(serverRoot, owner, `${name}.git`);
  await mkdir(path.dirname(bare), { recursive: true });
  git(serverRoot, 'init', '--bare', '--quiet', '--initial-branch=main', bare);
  const work = await realpath(await mkdtemp(path.join(tmpdir(), 'handsbot-upstream-')));
  git(work, 'init', '--quiet', '--initial-branch=main');
  git(work, 'remote', 'add', 'origin', bare);
  let count = 0;
  return {
    bare,
    async commit(files, message, branch = 'main') {
      const current = git(work, 'symbolic-ref', '--short', 'HEAD').trim();
      if (current !== branch) {
        const exists = git(work, 'branch', '--list', branch).trim() !== '';
        if (exists) git(work, 'checkout', '--quiet', branch);
        else git(work, 'checkout', '--quiet', '-b', branch);
      }
      for (const [file, text] of Object.entries(files)) {
        const target = path.join(work, file);
        if (text === null) await rm(target, { force: true });
        else {
          await mkdir(path.dirname(target), { recursive: true });
          await writeFile(target, text);
        }
      }
      git(work, 'add', '--all');
      git(work, 'commit', '--quiet', '--allow-empty', '-m', message ?? `change ${++count}`);
      git(work, 'push', '--quiet', '--force', 'origin', `${branch}:${branch}`);
      return git(work, 'rev-parse', 'HEAD').trim();
    },
    rev: (ref) => git(bare, 'rev-parse', ref).trim(),
  };
}

import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { createBuggyRepo } from '../support/fixture-repo.js';
import { createGitHubStandin, type GitHubStandin } from './create-github-standin.js';

export const APP_ID = 123;
export const INSTALLATION_ID = 4242;
export const OWNER = 'acme';
export const REPO = 'widgets';
export const FULL = `${OWNER}/${REPO}`;

const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
export const APP_PRIVATE_KEY = keys.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

const execGit = promisify(execFile);

/** Async, never `execFileSync`: the stand-in serves git from this same process, so a blocking clone would deadlock. */
export async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await execGit(
    'git',
    ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args],
    {
      cwd,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        // A refused clone must fail, not wait for a password on a terminal.
        GIT_TERMINAL_PROMPT: '0',
      },
    },
  );
  return stdout;
}

/**
 * A stand-in with `acme/widgets`: the buggy fixture plus `.github/openhands.yml` and a PR template on
 * main, and a pushed `openhands/fix` branch; `maintainer` may write, `reader` may only read.
 */
export async function standinWithRepo(): Promise<GitHubStandin> {
  const standin = await createGitHubStandin({ appId: APP_ID, appPublicKey: keys.publicKey });
  const work = await createBuggyRepo();
  await mkdir(path.join(work, '.github'));
  await writeFile(path.join(work, '.github/openhands.yml'), 'draftPullRequests: false\nmaxIterations: 12\n');
  await writeFile(path.join(work, '.github/pull_request_template.md'), '## What changed\n\n## Checklist\n');
  await git(work, 'add', '.');
  await git(work, 'commit', '-q', '-m', 'config');
  await git(work, 'checkout', '-q', '-b', 'openhands/fix');
  await writeFile(path.join(work, 'src/math.js'), 'export function add(a, b) {\n  return a + b;\n}\n');
  await git(work, 'commit', '-q', '-am', 'Fix add');
  await git(work, 'checkout', '-q', 'main');
  await standin.createRepository({
    owner: OWNER,
    name: REPO,
    installationId: INSTALLATION_ID,
    from: work,
    roles: { maintainer: 'maintain', reader: 'read' },
  });
  return standin;
}

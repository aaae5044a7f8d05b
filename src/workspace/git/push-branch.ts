import { lstat, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TreeChange } from '../../security/classify-tree-changes.js';
import { type BranchPolicy, checkBranchName } from './check-branch-name.js';
import { findConfigTampering } from './find-config-tampering.js';
import { TamperedCheckoutError } from './git-errors.js';
import { listTreeChanges } from './list-tree-changes.js';
import { parseRepositoryUrl } from './repository-url.js';
import { runGit, runGitForBytes } from './run-git.js';

export interface GitIdentity {
  readonly name: string;
  readonly email: string;
}

export interface PushBranchRequest {
  /** The checkout the agent worked in (untrusted: its `.git` is the agent's to write). */
  checkoutDir: string;
  /** Where to push, without credentials; also the origin URL provisioning gave the checkout. */
  url: string;
  /** The commit the checkout was made at: the new commit's parent. */
  baseCommit: string;
  branch: string;
  policy: BranchPolicy;
  token: string;
  /** Commit message (title, blank line, body); trailers are appended. */
  message: string;
  /** The app's identity, used as author and committer. */
  author: GitIdentity;
  /** Each becomes a `Co-authored-by:` trailer (the person who asked for the change). */
  coAuthors?: readonly GitIdentity[];
  /** Replace the branch even when the push is not a fast-forward. Off unless the caller says so. */
  force?: boolean;
  signal?: AbortSignal;
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Sees every path the push would change (`listTreeChanges`, from our own repository: the tree that
   * is pushed, whatever the agent's `.git` says) before anything is committed or sent; throwing stops
   * the push, and nothing leaves.
   */
  review?: (changes: readonly TreeChange[]) => void | Promise<void>;
}

export type PushBranchResult =
  | { readonly kind: 'pushed'; readonly commit: string; readonly branch: string }
  | { readonly kind: 'no-changes' };

/**
 * Commits the working tree's state on top of `baseCommit` as one commit by the app and pushes it.
 *
 * Nothing of the checkout's `.git` is trusted: the policy and the config are checked first (a
 * tampered config is refused, loudly), and then git runs with a fresh repository of our own as
 * GIT_DIR and the checkout only as its work tree. So the agent's hooks, config, attributes filters
 * and rewritten remotes never run or apply, whatever the check missed; its own commits are not
 * pushed (the tree is); and the push goes to `url` with the token in the environment.
 */
export async function pushBranch(request: PushBranchRequest): Promise<PushBranchResult> {
  const repo = parseRepositoryUrl(request.url);
  const common = { ...(request.env ? { source: request.env } : {}), signal: request.signal };
  await checkBranchName(request.branch, request.policy, common);
  const findings = await findConfigTampering(request.checkoutDir, repo.url, common);
  if (findings.length > 0) throw new TamperedCheckoutError(findings);
  const identity = [checkIdentity(request.author), ...(request.coAuthors ?? []).map(checkIdentity)];
  if (!/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(request.baseCommit))
    throw new TypeError('baseCommit must be a commit id');

  const workTree = await realpath(request.checkoutDir);
  const objects = await realpath(path.join(workTree, '.git', 'objects'));
  // The agent could make .git/objects a link to anywhere; objects are only read, but stay in the checkout.
  if (!objects.startsWith(`${workTree}${path.sep}`) || !(await lstat(objects)).isDirectory()) {
    throw new TamperedCheckoutError([{ key: '.git/objects', value: 'outside the checkout' }]);
  }
  const scratch = await mkdtemp(path.join(tmpdir(), 'handsbot-push-'));
  const gitDir = path.join(scratch, 'repo.git');
  const env = { GIT_DIR: gitDir, GIT_WORK_TREE: workTree, GIT_INDEX_FILE: path.join(scratch, 'index') };
  const git = (args: string[], extra: { token?: string; config?: [string, string][] } = {}) =>
    runGit(args, { cwd: workTree, env, ...common, ...extra });
  try {
    await runGit(['init', '--bare', '--quiet', '--template=', gitDir], { cwd: scratch, ...common });
    // Objects of the base commit are read from the checkout; new ones are written to our repository.
    await writeFile(path.join(gitDir, 'objects', 'info', 'alternates'), `${objects}\n`);
    await git(['read-tree', '--end-of-options', `${request.baseCommit}^{tree}`]);
    await git(['add', '--all']);
    const tree = (await git(['write-tree'])).trim();
    const baseTree = (await git(['rev-parse', '--verify', `${request.baseCommit}^{tree}`])).trim();
    if (tree === baseTree) return { kind: 'no-changes' };
    if (request.review) {
      const bytes = (args: string[], input: string) =>
        runGitForBytes(args, { cwd: workTree, env, ...common, input });
      await request.review(await listTreeChanges({ text: (args) => git(args), bytes }, baseTree, tree));
    }

    const messageFile = path.join(scratch, 'message');
    await writeFile(messageFile, commitMessage(request.message, identity.slice(1)));
    const commit = (
      await git(['commit-tree', tree, '-p', request.baseCommit, '-F', messageFile], {
        config: [
          ['user.name', request.author.name],
          ['user.email', request.author.email],
          ['commit.gpgSign', 'false'],
        ],
      })
    ).trim();
    const refspec = `${request.force === true ? '+' : ''}${commit}:refs/heads/${request.branch}`;
    await git(['push', '--quiet', '--no-verify', '--no-recurse-submodules', repo.url, refspec], {
      token: request.token,
    });
    return { kind: 'pushed', commit, branch: request.branch };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Title and body as given, then one trailer per co-author (deduplicated, in order). */
export function commitMessage(message: string, coAuthors: readonly GitIdentity[]): string {
  const body = message.replace(/\r\n?/g, '\n').trim();
  if (body === '') throw new TypeError('commit message is empty');
  const seen = new Set<string>();
  const trailers: string[] = [];
  for (const { name, email } of coAuthors) {
    const line = `Co-authored-by: ${name} <${email}>`;
    if (!seen.has(line.toLowerCase())) trailers.push(line);
    seen.add(line.toLowerCase());
  }
  return trailers.length === 0 ? `${body}\n` : `${body}\n\n${trailers.join('\n')}\n`;
}

function checkIdentity(identity: GitIdentity): GitIdentity {
  const bad = /[<>\n\r\0]/;
  if (
    identity.name.trim() === '' ||
    bad.test(identity.name) ||
    bad.test(identity.email) ||
    !identity.email.includes('@')
  ) {
    throw new TypeError(`not a usable git identity: ${JSON.stringify(identity)}`);
  }
  return identity;
}

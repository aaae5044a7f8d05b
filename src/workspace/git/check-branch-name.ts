import { BranchPolicyError, GitCommandError } from './git-errors.js';
import { runGit } from './run-git.js';

/** Where the worker may push: the caller's policy, usually from the repository's config. */
export interface BranchPolicy {
  /** The branch must start with one of these (e.g. `openhands/`); empty means any name is allowed. */
  readonly allowedPrefixes: readonly string[];
  /** Never pushed to, whatever the prefixes say: the default branch and any protected ones. */
  readonly protectedBranches: readonly string[];
}

/**
 * Throws a `BranchPolicyError` unless `branch` is a valid branch name (git check-ref-format
 * --branch, and no option or revision syntax), not protected, and under an allowed prefix.
 */
export async function checkBranchName(
  branch: string,
  policy: BranchPolicy,
  options: { source?: Readonly<Record<string, string | undefined>>; signal?: AbortSignal | undefined } = {},
): Promise<void> {
  // `@{-1}` and friends are expanded by --branch rather than refused, and a leading dash is an option.
  if (branch === '' || branch.startsWith('-') || branch.includes('@{') || branch.startsWith('refs/')) {
    throw new BranchPolicyError(branch, 'invalid-name');
  }
  try {
    const normalised = await runGit(['check-ref-format', '--branch', branch], {
      cwd: '/',
      ...(options.source ? { source: options.source } : {}),
      signal: options.signal,
    });
    if (normalised.trim() !== branch) throw new BranchPolicyError(branch, 'invalid-name');
  } catch (err) {
    if (err instanceof GitCommandError && err.kind !== 'aborted')
      throw new BranchPolicyError(branch, 'invalid-name');
    throw err;
  }
  // GitHub treats names case-insensitively on some filesystems of its users: compare folded.
  const folded = branch.toLowerCase();
  if (policy.protectedBranches.some((name) => name.replace(/^refs\/heads\//, '').toLowerCase() === folded)) {
    throw new BranchPolicyError(branch, 'protected');
  }
  const prefixes = policy.allowedPrefixes;
  if (
    prefixes.length > 0 &&
    !prefixes.some((prefix) => branch.startsWith(prefix) && branch.length > prefix.length)
  ) {
    throw new BranchPolicyError(branch, 'prefix');
  }
}

import { type BranchNameOptions, branchName } from './branch-name.js';
import type { GitHubClient } from './github-client.js';
import { httpStatusOf } from './http-status-of.js';

/** Past this, something is wrong (a loop of failed runs): better to stop than to litter branches. */
const MAX_ATTEMPTS = 20;

/** Every candidate name up to the cap exists already. */
export class NoFreeBranchNameError extends Error {
  override readonly name = 'NoFreeBranchNameError';
  constructor(readonly lastTried: string) {
    super(`no free branch name (last tried ${lastTried})`);
  }
}

/**
 * The first of `openhands/issue-<n>-<slug>`, `…-try2`, `…-try3`… that does not exist on GitHub
 * (`GET git/ref/heads/<name>` is an exact match; 404 means free). Call it once per run and keep the
 * answer in the run's settings labels: a retried job must reuse its branch, not take the next one.
 */
export async function chooseBranchName(
  octokit: GitHubClient,
  options: Omit<BranchNameOptions, 'attempt'> & { readonly owner: string; readonly repo: string },
): Promise<string> {
  const { owner, repo, ...naming } = options;
  let name = '';
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    name = branchName({ ...naming, attempt });
    try {
      await octokit.rest.git.getRef({ owner, repo, ref: `heads/${name}` });
    } catch (error) {
      if (httpStatusOf(error) === 404) return name;
      throw error;
    }
  }
  throw new NoFreeBranchNameError(name);
}

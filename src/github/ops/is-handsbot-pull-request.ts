import type { GitHubClient } from './github-client.js';

export interface IsHandsbotPullRequestOptions {
  readonly owner: string;
  readonly repo: string;
  readonly pullNumber: number;
  /** The repository's branch prefix: with an invalid settings file, `invalidConfigTriggerSettings`'. */
  readonly branchPrefix: string;
  /** The app's bot account, `<slug>[bot]` (`resolveAppIdentity`). */
  readonly botLogin: string;
}

/**
 * Whether handsbot opened this pull request, so its reviews are addressed to handsbot: a pull request
 * by this app's own bot account from one of handsbot's branches. GitHub sets the author, so it is
 * what no one can fake, and another app's PR counts for nothing even on a branch under the prefix;
 * the prefix keeps out PRs the app opened for other purposes. Reviews on anyone else's PR are
 * ordinary reviews.
 */
export async function isHandsbotPullRequest(
  octokit: GitHubClient,
  { owner, repo, pullNumber, branchPrefix, botLogin }: IsHandsbotPullRequestOptions,
): Promise<boolean> {
  const { data: pr } = await octokit.rest.pulls.get({ owner, repo, pull_number: pullNumber });
  return pr.user?.login === botLogin && pr.head.ref.startsWith(branchPrefix);
}

import type { GitHubClient } from './github-client.js';

export interface IsHandsbotPullRequestOptions {
  readonly owner: string;
  readonly repo: string;
  readonly pullNumber: number;
  /** The repository's branch prefix: with an invalid settings file, `invalidConfigTriggerSettings`'. */
  readonly branchPrefix: string;
}

/**
 * Whether handsbot opened this pull request, so its reviews are addressed to handsbot: an app's
 * (`Bot`) pull request from one of handsbot's branches. GitHub sets the author, so it is what no one
 * can fake; the prefix keeps out other apps' PRs. The worker does not know its own app's login, so
 * it cannot be narrower than any `Bot`. Reviews on anyone else's PR are ordinary reviews.
 */
export async function isHandsbotPullRequest(
  octokit: GitHubClient,
  { owner, repo, pullNumber, branchPrefix }: IsHandsbotPullRequestOptions,
): Promise<boolean> {
  const { data: pr } = await octokit.rest.pulls.get({ owner, repo, pull_number: pullNumber });
  return pr.user?.type === 'Bot' && pr.head.ref.startsWith(branchPrefix);
}

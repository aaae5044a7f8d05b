import type { Redact } from '../../security/redactor.js';
import type { GitHubClient } from './github-client.js';

export interface PostCommentOnceOptions {
  readonly owner: string;
  readonly repo: string;
  /** The issue or PR number (PR conversation comments are issue comments). */
  readonly issueNumber: number;
  /** A hidden marker (`renderMarker`) naming what this comment answers; it becomes the first line. */
  readonly marker: string;
  readonly body: string;
  /** When the thing answered happened: an earlier copy cannot be older, so only newer comments are listed. */
  readonly since: string;
  readonly redact: Redact;
  /** The app's bot account, `<slug>[bot]`: only its comments can be an earlier copy. */
  readonly botLogin: string;
}

/**
 * Posts a comment unless handsbot's own comment with the same marker is already there, so a retried
 * job (whose first attempt posted, then failed or lost GitHub's answer) says it once. Only comments by
 * the app's bot count: neither a person nor another app can silence handsbot by pasting its marker.
 * Returns whether it posted.
 */
export async function postCommentOnce(
  octokit: GitHubClient,
  options: PostCommentOnceOptions,
): Promise<boolean> {
  const { owner, repo, issueNumber, marker } = options;
  const recent = await octokit.paginate(octokit.rest.issues.listComments, {
    owner,
    repo,
    issue_number: issueNumber,
    since: options.since,
    per_page: 100,
  });
  if (recent.some((c) => c.user?.login === options.botLogin && c.body?.includes(marker))) return false;
  await octokit.rest.issues.createComment({
    owner,
    repo,
    issue_number: issueNumber,
    body: options.redact(`${marker}\n${options.body}`),
  });
  return true;
}

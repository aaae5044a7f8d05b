import { initialRunState } from '../../../agent/run-state.js';
import type { Redact } from '../../../security/redactor.js';
import type { GitHubClient } from '../github-client.js';
import { httpStatusOf } from '../http-status-of.js';
import { renderTrackingComment } from './render-tracking-comment.js';
import { trackingMarker } from './tracking-marker.js';

/** What the 👀 goes on: the triggering comment, or the issue/PR itself for labels and reviews. */
export type ReactionTarget =
  | { readonly kind: 'issue' }
  | { readonly kind: 'issue_comment'; readonly commentId: number }
  | { readonly kind: 'review_comment'; readonly commentId: number };

export interface EnsureTrackingCommentOptions {
  readonly owner: string;
  readonly repo: string;
  /** The issue or PR number (PR conversation comments are issue comments). */
  readonly issueNumber: number;
  readonly runId: string;
  readonly targetKey: string;
  readonly reactTo: ReactionTarget;
  readonly redact: Redact;
  readonly runUrl?: string;
  /** When the trigger happened: our comment cannot be older, so only newer comments are listed. */
  readonly triggeredAt?: string;
  /** The app's bot account, `<slug>[bot]`: only its comments can be the one posted before. */
  readonly botLogin: string;
}

export interface TrackingComment {
  readonly commentId: number;
  /** False when a retried or resumed job found the comment it had already posted. */
  readonly created: boolean;
  readonly body: string;
}

/**
 * At trigger time: a 👀 reaction and one "working on it" comment. Idempotent: the comment carries a
 * hidden marker with the run id and target, and a retried job finds it (among the app's own
 * comments, so no person or other app can plant a look-alike for us to edit) instead of posting a second. GitHub answers an
 * existing reaction with 200, so repeating the reaction is harmless.
 */
export async function ensureTrackingComment(
  octokit: GitHubClient,
  options: EnsureTrackingCommentOptions,
): Promise<TrackingComment> {
  const { owner, repo, issueNumber } = options;
  await react(octokit, options);
  const marker = trackingMarker(options.runId, options.targetKey);
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    owner,
    repo,
    issue_number: issueNumber,
    per_page: 100,
    ...(options.triggeredAt ? { since: options.triggeredAt } : {}),
  });
  const found = comments.find((c) => c.user?.login === options.botLogin && c.body?.startsWith(marker));
  if (found) return { commentId: found.id, created: false, body: found.body ?? '' };
  const body = renderTrackingComment(initialRunState(options.runId), [], {
    runId: options.runId,
    targetKey: options.targetKey,
    redact: options.redact,
    // A run that has not started has no agent text to show: no host needs allowing.
    allowedHosts: [],
    ...(options.runUrl ? { runUrl: options.runUrl } : {}),
  });
  const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body });
  return { commentId: data.id, created: true, body };
}

/** The reaction is a courtesy: a deleted or locked target must not fail the run. */
async function react(octokit: GitHubClient, options: EnsureTrackingCommentOptions): Promise<void> {
  const { owner, repo, issueNumber, reactTo } = options;
  try {
    switch (reactTo.kind) {
      case 'issue':
        await octokit.rest.reactions.createForIssue({
          owner,
          repo,
          issue_number: issueNumber,
          content: 'eyes',
        });
        return;
      case 'issue_comment':
        await octokit.rest.reactions.createForIssueComment({
          owner,
          repo,
          comment_id: reactTo.commentId,
          content: 'eyes',
        });
        return;
      case 'review_comment':
        await octokit.rest.reactions.createForPullRequestReviewComment({
          owner,
          repo,
          comment_id: reactTo.commentId,
          content: 'eyes',
        });
        return;
      default: {
        const unreachable: never = reactTo;
        return unreachable;
      }
    }
  } catch (error) {
    const status = httpStatusOf(error);
    if (status === 404 || status === 410 || status === 422) return;
    throw error;
  }
}

import { neutralizeAgentMarkdown } from '../../security/markdown/neutralize-agent-markdown.js';
import type { Redact } from '../../security/redactor.js';
import type { GitHubClient } from './github-client.js';
import { renderMarker } from './render-marker.js';

export interface ThreadReply {
  /** REST id of the thread's first comment: replies attach to it. */
  readonly commentId: number;
  /** What the agent said it did for this thread. */
  readonly text: string;
}

export interface ReplyToReviewThreadsOptions {
  readonly owner: string;
  readonly repo: string;
  readonly pullNumber: number;
  readonly runId: string;
  readonly replies: readonly ThreadReply[];
  readonly redact: Redact;
  /** The app's bot account, `<slug>[bot]`: only its replies count as already answered. */
  readonly botLogin: string;
  /** handsbot's own Markdown put under every reply (what the push changed that a reviewer must see). */
  readonly notice?: string;
  /** Hosts the agent's links and images may point at: the repository's GitHub web host. */
  readonly allowedHosts: readonly string[];
}

/**
 * Answers each review thread the run handled, once: a retried job finds its earlier replies by the
 * hidden marker (run id + thread) among the PR's review comments and skips them. Returns the ids of
 * the threads answered now and of those already answered.
 */
export async function replyToReviewThreads(
  octokit: GitHubClient,
  {
    owner,
    repo,
    pullNumber,
    runId,
    replies,
    redact,
    botLogin,
    notice,
    allowedHosts,
  }: ReplyToReviewThreadsOptions,
): Promise<{ posted: number[]; alreadyAnswered: number[] }> {
  if (replies.length === 0) return { posted: [], alreadyAnswered: [] };
  const existing = await octokit.paginate(octokit.rest.pulls.listReviewComments, {
    owner,
    repo,
    pull_number: pullNumber,
    per_page: 100,
  });
  const ours = existing.filter((c) => c.user?.login === botLogin).map((c) => c.body);
  const posted: number[] = [];
  const alreadyAnswered: number[] = [];
  for (const reply of replies) {
    const marker = renderMarker({ run: runId, 'reply-to': reply.commentId });
    // The marker is the first line: the agent's own text below it cannot claim another thread.
    if (ours.some((body) => body.split('\n', 1)[0] === marker)) {
      alreadyAnswered.push(reply.commentId);
      continue;
    }
    const text = neutralizeAgentMarkdown(reply.text, { allowedHosts });
    const body = `${marker}\n${notice === undefined ? text : `${text}\n\n${notice}`}`;
    await octokit.rest.pulls.createReplyForReviewComment({
      owner,
      repo,
      pull_number: pullNumber,
      comment_id: reply.commentId,
      body: redact(body),
    });
    posted.push(reply.commentId);
  }
  return { posted, alreadyAnswered };
}

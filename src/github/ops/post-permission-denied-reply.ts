import type { Redact } from '../../security/redactor.js';
import type { TriggerPermissionLevel } from '../repo-config/repo-config.schema.js';
import type { TriggerPermission } from './check-trigger-permission.js';
import type { GitHubClient } from './github-client.js';
import { postCommentOnce } from './post-comment-once.js';
import { renderMarker } from './render-marker.js';

export interface PostPermissionDeniedReplyOptions {
  readonly owner: string;
  readonly repo: string;
  readonly issueNumber: number;
  readonly denied: Extract<TriggerPermission, { allowed: false }>;
  readonly allowed: readonly TriggerPermissionLevel[];
  /** The trigger's delivery id: a redelivered or retried job finds its reply by it. */
  readonly deliveryId: string;
  /** When the trigger happened: only comments updated since are searched for an earlier reply. */
  readonly triggeredAt: string;
  readonly redact: Redact;
  /** The app's bot account, `<slug>[bot]`: only its comments can be an earlier copy. */
  readonly botLogin: string;
}

/**
 * One short reply to someone who may not trigger handsbot. Bots get no reply at all: answering
 * another app (or ourselves) is how reply loops start. Returns whether a comment was posted.
 */
export async function postPermissionDeniedReply(
  octokit: GitHubClient,
  options: PostPermissionDeniedReplyOptions,
): Promise<boolean> {
  const { owner, repo, issueNumber, denied } = options;
  if (denied.reason === 'bot') return false;
  const levels = listLevels(options.allowed);
  return postCommentOnce(octokit, {
    owner,
    repo,
    issueNumber,
    marker: renderMarker({ denied: options.deliveryId }),
    body: `@${denied.login} only people with ${levels} permission on this repository can start handsbot here, so nothing was run.`,
    since: options.triggeredAt,
    redact: options.redact,
    botLogin: options.botLogin,
  });
}

function listLevels(levels: readonly string[]): string {
  if (levels.length <= 1) return levels[0] ?? 'write';
  return `${levels.slice(0, -1).join(', ')} or ${levels.at(-1)}`;
}

import type { ApplicationFunction, Logger } from 'probot';
import type { Config } from '../../config/index.js';
import type { HandlerDeps } from './handlers/create-webhook-handler.js';
import { issueCommentCreated } from './handlers/issue-comment-created.js';
import { issuesLabeled } from './handlers/issues-labeled.js';
import { pullRequestReviewCommentCreated } from './handlers/pull-request-review-comment-created.js';
import { pullRequestReviewSubmitted } from './handlers/pull-request-review-submitted.js';
import type { RunQueue } from './run-queue.js';

export interface HandsbotAppOptions {
  readonly queue: RunQueue;
  readonly config: Pick<Config, 'githubApp'>;
  readonly logger: Logger;
}

/** Every webhook handsbot acts on; `app.yml` subscribes to exactly these events (a test holds them equal). */
export const HANDLED_WEBHOOKS = [
  'issues.labeled',
  'issue_comment.created',
  'pull_request_review.submitted',
  'pull_request_review_comment.created',
] as const;

/**
 * The Probot app: one thin handler per webhook, each recognising its trigger and enqueueing a job.
 * Nothing here calls GitHub; the context's Octokit is never used.
 */
export function createHandsbotApp(options: HandsbotAppOptions): ApplicationFunction {
  return (app) => {
    const deps: HandlerDeps = {
      queue: options.queue,
      logger: options.logger.child({ component: 'webhooks' }),
    };
    app.on('issues.labeled', issuesLabeled(deps));
    app.on('issue_comment.created', issueCommentCreated(deps));
    app.on('pull_request_review.submitted', pullRequestReviewSubmitted(deps));
    app.on('pull_request_review_comment.created', pullRequestReviewCommentCreated(deps));
  };
}

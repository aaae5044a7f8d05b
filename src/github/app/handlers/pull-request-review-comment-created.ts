import { z } from 'zod';
import { commonJobFields, commonPayloadSchema, describePayloadIssues } from '../webhook-payload.js';
import {
  createWebhookHandler,
  type HandlerDeps,
  type Recognition,
  type WebhookHandler,
} from './create-webhook-handler.js';

const payloadSchema = commonPayloadSchema.extend({
  pull_request: z.object({ number: z.number().int().positive() }),
  comment: z.object({
    id: z.number().int().positive(),
    pull_request_review_id: z.number().int().positive().nullish(),
    created_at: z.string().min(1),
  }),
});

/**
 * `pull_request_review_comment.created` → a `pr_review` run job. A comment that belongs to a review
 * carries the review's id, so it collapses with the review's other deliveries into one job; a reply
 * in a thread is a review of its own on GitHub and so a trigger of its own.
 */
export function pullRequestReviewCommentCreated(deps: HandlerDeps): WebhookHandler {
  return createWebhookHandler(deps, recogniseReviewComment);
}

export function recogniseReviewComment(payload: unknown, deliveryId: string): Recognition {
  const parsed = payloadSchema.safeParse(payload);
  if (!parsed.success) return { kind: 'malformed', issues: describePayloadIssues(parsed.error) };
  const p = parsed.data;
  const number = p.pull_request.number;
  const reviewId = p.comment.pull_request_review_id;
  return {
    kind: 'job',
    data: {
      type: 'run',
      ...commonJobFields(p, deliveryId),
      triggeredAt: p.comment.created_at,
      number,
      trigger: {
        kind: 'pr_review',
        prNumber: number,
        commentId: p.comment.id,
        ...(reviewId ? { reviewId } : {}),
      },
    },
  };
}

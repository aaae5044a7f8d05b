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
  review: z.object({
    id: z.number().int().positive(),
    state: z.string(),
    submitted_at: z.string().min(1),
  }),
});

const ACTIONABLE_STATES = new Set(['changes_requested', 'commented']);

/**
 * `pull_request_review.submitted` asking for changes or commenting → a `pr_review` run job. Whether
 * handsbot opened the PR is the job's question (it needs the API). The review's comments arrive as
 * their own deliveries carrying the same review id, so the review makes one job (`triggerKey`).
 */
export function pullRequestReviewSubmitted(deps: HandlerDeps): WebhookHandler {
  return createWebhookHandler(deps, recogniseReviewSubmitted);
}

export function recogniseReviewSubmitted(payload: unknown, deliveryId: string): Recognition {
  const parsed = payloadSchema.safeParse(payload);
  if (!parsed.success) return { kind: 'malformed', issues: describePayloadIssues(parsed.error) };
  const p = parsed.data;
  // GitHub sends lower case in webhooks and upper case in the REST API; accept either.
  const state = p.review.state.toLowerCase();
  if (!ACTIONABLE_STATES.has(state)) return { kind: 'ignored', reason: `review state ${state}` };
  const number = p.pull_request.number;
  return {
    kind: 'job',
    data: {
      type: 'run',
      ...commonJobFields(p, deliveryId),
      triggeredAt: p.review.submitted_at,
      number,
      trigger: { kind: 'pr_review', prNumber: number, reviewId: p.review.id },
    },
  };
}

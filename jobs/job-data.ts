import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * What a webhook asks handsbot to do, recognised by the thin Probot handlers and carried by the queue.
 * Job data holds ids and the trigger's own words only: never a token, never a whole payload. The
 * worker mints installation tokens itself and re-reads what it needs from GitHub.
 */

export const repositoryRefSchema = z.object({
  id: z.number().int().positive(),
  owner: z.string().min(1),
  name: z.string().min(1),
});
export type RepositoryRef = z.infer<typeof repositoryRefSchema>;

export const actorSchema = z.object({
  login: z.string().min(1),
  id: z.number().int().positive(),
});
export type Actor = z.infer<typeof actorSchema>;

/** Work that starts or continues an agent run on one issue or pull request. */
export const runTriggerSchema = z.discriminatedUnion('kind', [
  /** `issues.labeled` with the trigger label: resolve the issue and open a PR. */
  z.object({ kind: z.literal('issue_labeled'), issueNumber: z.number().int().positive(), label: z.string() }),
  /** `/agent fix [instructions]` on an issue: same as the label. */
  z.object({
    kind: z.literal('issue_command'),
    issueNumber: z.number().int().positive(),
    commentId: z.number().int().positive(),
    instructions: z.string(),
  }),
  /** `/agent fix [instructions]` on a PR: fix it and push to its branch. */
  z.object({
    kind: z.literal('pr_command'),
    prNumber: z.number().int().positive(),
    commentId: z.number().int().positive(),
    instructions: z.string(),
  }),
  /** A review (changes requested or commented) or a review comment on a PR handsbot opened. */
  z.object({
    kind: z.literal('pr_review'),
    prNumber: z.number().int().positive(),
    reviewId: z.number().int().positive().optional(),
    commentId: z.number().int().positive().optional(),
  }),
]);
export type RunTrigger = z.infer<typeof runTriggerSchema>;

/** Commands about a run that already exists. */
export const controlCommandSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('stop') }),
  z.object({ kind: z.literal('approve') }),
  z.object({ kind: z.literal('reject'), reason: z.string() }),
  z.object({ kind: z.literal('help') }),
]);
export type ControlCommand = z.infer<typeof controlCommandSchema>;

const common = {
  installationId: z.number().int().positive(),
  repository: repositoryRefSchema,
  /** Who triggered: their permission is checked in the job, through the API, on every trigger. */
  sender: actorSchema,
  /** GitHub's `X-GitHub-Delivery`, so a redelivered webhook is recognised. */
  deliveryId: z.string().min(1),
  /** When the trigger happened: only content created before it goes into the agent's context. */
  triggeredAt: z.string(),
  /** The issue or PR number the work is about (the run's target). */
  number: z.number().int().positive(),
};

export const jobDataSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('run'), ...common, trigger: runTriggerSchema }),
  z.object({
    type: z.literal('control'),
    ...common,
    commentId: z.number().int().positive(),
    command: controlCommandSchema,
  }),
]);
export type JobData = z.infer<typeof jobDataSchema>;

/** One run per issue or PR at a time: the key the queue serialises and deduplicates on. */
export function targetKey(data: Pick<JobData, 'repository' | 'number'>): string {
  return `${data.repository.id}:${data.number}`;
}

/**
 * What makes two deliveries the same trigger, for collapsing them into one job: a redelivered webhook
 * (same delivery id, same comment), and every delivery of one review (the `pull_request_review.submitted`
 * and each of its `pull_request_review_comment.created`, which carry the review's id). Unique within a
 * target; made of `[A-Za-z0-9-]` so it can be part of a BullMQ job id.
 */
export function triggerKey(data: JobData): string {
  if (data.type === 'control') return `delivery-${idPart(data.deliveryId)}`;
  const trigger = data.trigger;
  switch (trigger.kind) {
    case 'issue_labeled':
      return `delivery-${idPart(data.deliveryId)}`;
    case 'issue_command':
    case 'pr_command':
      return `comment-${trigger.commentId}`;
    case 'pr_review':
      if (trigger.reviewId !== undefined) return `review-${trigger.reviewId}`;
      if (trigger.commentId !== undefined) return `review-comment-${trigger.commentId}`;
      return `delivery-${idPart(data.deliveryId)}`;
  }
}

/** GitHub's delivery ids are GUIDs; anything else is hashed to a safe, still distinct, form. */
function idPart(id: string): string {
  return /^[A-Za-z0-9-]{1,64}$/.test(id) ? id : createHash('sha256').update(id).digest('hex').slice(0, 32);
}

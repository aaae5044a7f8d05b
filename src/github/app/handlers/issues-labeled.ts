import { z } from 'zod';
import { commonJobFields, commonPayloadSchema, describePayloadIssues } from '../webhook-payload.js';
import {
  createWebhookHandler,
  type HandlerDeps,
  type Recognition,
  type WebhookHandler,
} from './create-webhook-handler.js';

const payloadSchema = commonPayloadSchema.extend({
  label: z.object({ name: z.string().min(1) }),
  // The payload has no time of the labelling itself; labelling updates the issue, so this is it.
  issue: z.object({ number: z.number().int().positive(), updated_at: z.string().min(1) }),
});

/**
 * `issues.labeled` with any label → a `run` job; the job decides. The web side reads no repository
 * file, so it cannot know a repository's own `triggerLabel` from `.github/openhands.yml`: the job
 * loads it and ends quietly (nothing posted on GitHub) when the label is not that repository's
 * trigger label.
 */
export function issuesLabeled(deps: HandlerDeps): WebhookHandler {
  return createWebhookHandler(deps, recogniseIssuesLabeled);
}

export function recogniseIssuesLabeled(payload: unknown, deliveryId: string): Recognition {
  const parsed = payloadSchema.safeParse(payload);
  if (!parsed.success) return { kind: 'malformed', issues: describePayloadIssues(parsed.error) };
  const p = parsed.data;
  return {
    kind: 'job',
    data: {
      type: 'run',
      ...commonJobFields(p, deliveryId),
      triggeredAt: p.issue.updated_at,
      number: p.issue.number,
      trigger: { kind: 'issue_labeled', issueNumber: p.issue.number, label: p.label.name },
    },
  };
}

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
 * `issues.labeled` with the trigger label → a `run` job that resolves the issue. Only the configured
 * default label is recognised here (the web side reads no repository file); the job reads the
 * repository's `.github/openhands.yml` and decides from there.
 */
export function issuesLabeled(deps: HandlerDeps): WebhookHandler {
  return createWebhookHandler(deps, (payload, deliveryId) =>
    recogniseIssuesLabeled(payload, deliveryId, deps.triggerLabel),
  );
}

export function recogniseIssuesLabeled(
  payload: unknown,
  deliveryId: string,
  triggerLabel: string,
): Recognition {
  const parsed = payloadSchema.safeParse(payload);
  if (!parsed.success) return { kind: 'malformed', issues: describePayloadIssues(parsed.error) };
  const p = parsed.data;
  // GitHub label names are unique regardless of case.
  if (p.label.name.toLowerCase() !== triggerLabel.toLowerCase()) {
    return { kind: 'ignored', reason: `label ${JSON.stringify(p.label.name)} is not the trigger label` };
  }
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

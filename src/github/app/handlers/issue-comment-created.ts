import { z } from 'zod';
import type { JobData } from '../../../../jobs/job-data.js';
import { parseAgentCommand } from '../parse-agent-command.js';
import { commonJobFields, commonPayloadSchema, describePayloadIssues } from '../webhook-payload.js';
import {
  createWebhookHandler,
  type HandlerDeps,
  type Recognition,
  type WebhookHandler,
} from './create-webhook-handler.js';

const payloadSchema = commonPayloadSchema.extend({
  issue: z.object({
    number: z.number().int().positive(),
    // Present (an object) when the issue is a pull request.
    pull_request: z.object({}).nullish(),
  }),
  comment: z.object({
    id: z.number().int().positive(),
    body: z.string().nullish(),
    created_at: z.string().min(1),
  }),
});

/**
 * `issue_comment.created` with an `/agent` command. `/agent fix [instructions]` → a `run` job
 * (`pr_command` on a pull request, `issue_command` on an issue); stop, approve, reject and help →
 * `control` jobs. The instructions are the user's untrusted words, carried as they are; the job
 * sanitises them before they reach a prompt.
 */
export function issueCommentCreated(deps: HandlerDeps): WebhookHandler {
  return createWebhookHandler(deps, recogniseIssueComment);
}

export function recogniseIssueComment(payload: unknown, deliveryId: string): Recognition {
  const parsed = payloadSchema.safeParse(payload);
  if (!parsed.success) return { kind: 'malformed', issues: describePayloadIssues(parsed.error) };
  const p = parsed.data;
  const command = parseAgentCommand(p.comment.body ?? '');
  if (!command) return { kind: 'ignored', reason: 'no /agent command' };
  const number = p.issue.number;
  const isPullRequest = Boolean(p.issue.pull_request);
  const common = { ...commonJobFields(p, deliveryId), triggeredAt: p.comment.created_at, number };
  const commentId = p.comment.id;
  let data: JobData;
  switch (command.kind) {
    case 'fix':
      data = {
        type: 'run',
        ...common,
        trigger: isPullRequest
          ? { kind: 'pr_command', prNumber: number, commentId, instructions: command.instructions }
          : { kind: 'issue_command', issueNumber: number, commentId, instructions: command.instructions },
      };
      break;
    case 'reject':
      data = { type: 'control', ...common, commentId, command: { kind: 'reject', reason: command.reason } };
      break;
    case 'stop':
    case 'approve':
    case 'help':
      data = { type: 'control', ...common, commentId, command: { kind: command.kind } };
      break;
  }
  return { kind: 'job', data };
}

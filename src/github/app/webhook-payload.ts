import { z } from 'zod';
import type { Actor, RepositoryRef } from '../../../jobs/job-data.js';

/**
 * The parts of a webhook payload every trigger needs, parsed at the edge: a payload without them is
 * logged and dropped, never half-used. Only the fields handsbot reads are declared.
 */
const positiveInt = z.number().int().positive();

export const commonPayloadSchema = z.object({
  installation: z.object({ id: positiveInt }, { error: 'missing (is the app installed?)' }),
  repository: z.object({
    id: positiveInt,
    name: z.string().min(1),
    owner: z.object({ login: z.string().min(1) }),
  }),
  sender: z.object({ id: positiveInt, login: z.string().min(1) }),
});

export interface CommonJobFields {
  readonly installationId: number;
  readonly repository: RepositoryRef;
  readonly sender: Actor;
  readonly deliveryId: string;
}

export function commonJobFields(payload: z.infer<typeof commonPayloadSchema>, deliveryId: string) {
  return {
    installationId: payload.installation.id,
    repository: {
      id: payload.repository.id,
      owner: payload.repository.owner.login,
      name: payload.repository.name,
    },
    sender: { login: payload.sender.login, id: payload.sender.id },
    deliveryId,
  } satisfies CommonJobFields;
}

/** zod's issues as short lines for a log entry: the path and the problem, never the values. */
export function describePayloadIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.') || '(payload)'}: ${issue.message}`);
}

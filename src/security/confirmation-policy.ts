import { z } from 'zod';
import type { SecurityVerdict } from '../events/event.js';
import { isAtLeast, knownRiskSchema } from './risk-order.js';

/**
 * When a person must approve an action before it runs. A small function over the analyzers' verdict,
 * kept apart from the analyzers so the same ratings can be gated differently per repository.
 */
export const confirmationPolicySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('never') }),
  z.object({ kind: z.literal('always') }),
  z.object({
    kind: z.literal('risky'),
    threshold: knownRiskSchema.default('HIGH'),
    /** What an UNKNOWN verdict counts as (issue #4: MEDIUM by default). */
    unknownAs: knownRiskSchema.default('MEDIUM'),
  }),
]);
export type ConfirmationPolicy = z.infer<typeof confirmationPolicySchema>;

export const DEFAULT_CONFIRMATION_POLICY: ConfirmationPolicy = {
  kind: 'risky',
  threshold: 'HIGH',
  unknownAs: 'MEDIUM',
};

export function needsConfirmation(policy: ConfirmationPolicy, verdict: SecurityVerdict): boolean {
  switch (policy.kind) {
    case 'never':
      return false;
    case 'always':
      return true;
    case 'risky': {
      const risk = verdict.risk === 'UNKNOWN' ? policy.unknownAs : verdict.risk;
      return isAtLeast(risk, policy.threshold);
    }
    default: {
      const unreachable: never = policy;
      return unreachable;
    }
  }
}

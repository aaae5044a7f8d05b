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
    /**
     * What an UNKNOWN verdict counts as. HIGH by default: UNKNOWN means the analyzer could not read
     * what would run (a computed command name, `eval` of built text, unparseable input), and a hostile
     * agent reaches for exactly that, so it waits for a person (as the OpenHands SDK's
     * `ConfirmRisky(confirm_unknown=True)` does).
     */
    unknownAs: knownRiskSchema.default('HIGH'),
  }),
]);
export type ConfirmationPolicy = z.infer<typeof confirmationPolicySchema>;

export const DEFAULT_CONFIRMATION_POLICY: ConfirmationPolicy = {
  kind: 'risky',
  threshold: 'HIGH',
  unknownAs: 'HIGH',
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

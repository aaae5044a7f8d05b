import { describe, expect, it } from 'vitest';
import type { SecurityVerdict } from '../../src/events/event.js';
import {
  confirmationPolicySchema,
  DEFAULT_CONFIRMATION_POLICY,
  needsConfirmation,
} from '../../src/security/confirmation-policy.js';
import { ensembleAnalyzer } from '../../src/security/ensemble-analyzer.js';
import { rateShellCommand } from '../../src/security/rate-shell-command.js';
import { ruleBasedAnalyzer } from '../../src/security/rule-based-analyzer.js';

const verdict = (risk: SecurityVerdict['risk']): SecurityVerdict => ({ risk, reasons: [] });

describe('the default confirmation policy fails closed', () => {
  it('gates an UNKNOWN verdict, as it gates HIGH', () => {
    expect(needsConfirmation(DEFAULT_CONFIRMATION_POLICY, verdict('UNKNOWN'))).toBe(true);
    expect(needsConfirmation(DEFAULT_CONFIRMATION_POLICY, verdict('HIGH'))).toBe(true);
    expect(needsConfirmation(DEFAULT_CONFIRMATION_POLICY, verdict('MEDIUM'))).toBe(false);
    expect(needsConfirmation(DEFAULT_CONFIRMATION_POLICY, verdict('LOW'))).toBe(false);
  });

  it('a repository that writes only `kind: risky` gets UNKNOWN gated too', () => {
    const policy = confirmationPolicySchema.parse({ kind: 'risky' });
    expect(policy).toEqual({ kind: 'risky', threshold: 'HIGH', unknownAs: 'HIGH' });
    expect(needsConfirmation(policy, verdict('UNKNOWN'))).toBe(true);
  });

  it('a command the analyzer cannot parse waits for approval', () => {
    const rated = rateShellCommand('echo "unterminated', { workspaceRoot: '/workspace/repo' });
    expect(rated.risk).toBe('UNKNOWN');
    expect(needsConfirmation(DEFAULT_CONFIRMATION_POLICY, rated)).toBe(true);
  });

  it("the rule analyzer's UNKNOWN inside the agent's ensemble still counts as HIGH", async () => {
    // The ensemble the runtime builds: the LLM-declared risk (here LOW) cannot outvote an unreadable command.
    const declaredLow = { name: 'declared', analyze: () => verdict('LOW') };
    const ensemble = ensembleAnalyzer([
      { analyzer: declaredLow },
      { analyzer: ruleBasedAnalyzer, unknownAs: 'HIGH' },
    ]);
    const rated = await ensemble.analyze({
      toolName: 'terminal',
      arguments: { command: 'echo "unterminated' },
      declaredRisk: 'LOW',
      workspaceRoot: '/workspace/repo',
    });
    expect(needsConfirmation(DEFAULT_CONFIRMATION_POLICY, rated)).toBe(true);
  });
});

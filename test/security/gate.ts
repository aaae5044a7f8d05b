import type { SecurityVerdict } from '../../src/events/event.js';
import { DEFAULT_CONFIRMATION_POLICY, needsConfirmation } from '../../src/security/confirmation-policy.js';
import { ruleBasedAnalyzer } from '../../src/security/rule-based-analyzer.js';

/** The workspace every analyzer test imagines the agent works in. */
export const WORKSPACE = '/workspace/repo';

/** A terminal command rated by the real rule analyzer, and whether the default policy holds it. */
export function rateTerminal(command: string): SecurityVerdict & { gated: boolean } {
  const verdict = ruleBasedAnalyzer.analyze({
    toolName: 'terminal',
    arguments: { command },
    declaredRisk: 'LOW',
    workspaceRoot: WORKSPACE,
  }) as SecurityVerdict;
  return { ...verdict, gated: needsConfirmation(DEFAULT_CONFIRMATION_POLICY, verdict) };
}

/** A `file_editor` call rated by the real rule analyzer, and whether the default policy holds it. */
export function rateEditor(args: Record<string, string>): SecurityVerdict & { gated: boolean } {
  const verdict = ruleBasedAnalyzer.analyze({
    toolName: 'file_editor',
    arguments: args,
    declaredRisk: 'LOW',
    workspaceRoot: WORKSPACE,
  }) as SecurityVerdict;
  return { ...verdict, gated: needsConfirmation(DEFAULT_CONFIRMATION_POLICY, verdict) };
}

export const rules = (verdict: SecurityVerdict): string[] => verdict.reasons.map((r) => r.rule);

import type { LlmCallMetrics, RiskReason, SecurityVerdict } from '../events/event.js';
import { type KnownRisk, maxRisk } from './risk-order.js';
import type { ProposedAction, SecurityAnalyzer } from './security-analyzer.js';

export interface EnsembleMember {
  analyzer: SecurityAnalyzer;
  /**
   * What this member's UNKNOWN counts as. Leave it out to ignore the member's UNKNOWN (an LLM that
   * declared no risk says nothing); set it for members whose UNKNOWN means "could not tell", such as
   * a rule analyzer that could not parse the command: deny by default.
   */
  unknownAs?: KnownRisk;
}

/**
 * Runs every member and keeps the worst rating with all their reasons. A member that throws counts
 * as HIGH: an analyzer that cannot look must not wave an action through.
 */
export function ensembleAnalyzer(members: readonly EnsembleMember[]): SecurityAnalyzer {
  return {
    name: `ensemble(${members.map((m) => m.analyzer.name).join(',')})`,
    async analyze(action: ProposedAction, signal?: AbortSignal): Promise<SecurityVerdict> {
      let risk: KnownRisk | null = null;
      const reasons: RiskReason[] = [];
      const llmCalls: LlmCallMetrics[] = [];
      const verdicts = await Promise.all(members.map((member) => rate(member, action, signal)));
      for (const [i, verdict] of verdicts.entries()) {
        reasons.push(...verdict.reasons);
        llmCalls.push(...(verdict.llmCalls ?? []));
        const unknownAs = members[i]?.unknownAs;
        const counted = verdict.risk === 'UNKNOWN' ? unknownAs : verdict.risk;
        if (counted !== undefined) risk = risk === null ? counted : maxRisk(risk, counted);
      }
      return { risk: risk ?? 'UNKNOWN', reasons, ...(llmCalls.length > 0 ? { llmCalls } : {}) };
    },
  };
}

async function rate(
  member: EnsembleMember,
  action: ProposedAction,
  signal: AbortSignal | undefined,
): Promise<SecurityVerdict> {
  try {
    return await member.analyzer.analyze(action, signal);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { risk: 'HIGH', reasons: [{ rule: `analyzer-failed:${member.analyzer.name}`, match: message }] };
  }
}

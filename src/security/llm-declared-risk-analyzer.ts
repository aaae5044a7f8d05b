import type { SecurityVerdict } from '../events/event.js';
import type { ProposedAction, SecurityAnalyzer } from './security-analyzer.js';

/** The risk the LLM itself stated in the call's `security_risk` argument (OpenHands' LLMSecurityAnalyzer). */
export const llmDeclaredRiskAnalyzer: SecurityAnalyzer = {
  name: 'llm-declared',
  analyze(action: ProposedAction): SecurityVerdict {
    if (action.declaredRisk === 'UNKNOWN') return { risk: 'UNKNOWN', reasons: [] };
    return {
      risk: action.declaredRisk,
      reasons: [{ rule: 'llm-declared', match: `the model rated this ${action.declaredRisk}` }],
    };
  },
};

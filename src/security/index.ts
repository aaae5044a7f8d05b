/** The security layer: analyzers that rate actions, the policy that gates them, and what cleans text. */
export {
  type ConfirmationPolicy,
  confirmationPolicySchema,
  DEFAULT_CONFIRMATION_POLICY,
  needsConfirmation,
} from './confirmation-policy.js';
export { type EnsembleMember, ensembleAnalyzer } from './ensemble-analyzer.js';
export { llmDeclaredRiskAnalyzer } from './llm-declared-risk-analyzer.js';
export { createLlmRiskAnalyzer } from './llm-risk-analyzer.js';
export {
  quoteUntrusted,
  sanitizeUntrustedLine,
  sanitizeUntrustedText,
} from './markdown/sanitize-untrusted-text.js';
export { type FileEditAction, rateFileEdit } from './rate-file-edit.js';
export { rateShellCommand } from './rate-shell-command.js';
export { createRedactor, type Redactor, redactDeep, SECRET_MASK } from './redactor.js';
export { isAtLeast, type KnownRisk, knownRiskSchema, maxRisk } from './risk-order.js';
export { ruleBasedAnalyzer } from './rule-based-analyzer.js';
export type { ProposedAction, SecurityAnalyzer } from './security-analyzer.js';

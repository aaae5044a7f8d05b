export {
  type AgentSpec,
  type AgentToolbox,
  AUTO_CONTINUE_MESSAGE,
  type LlmRouter,
  type ParsedToolCall,
} from './agent-spec.js';
export { buildLlmMessages } from './build-llm-messages.js';
export { checkLimits } from './check-limits.js';
export { type CondenserSettings, DEFAULT_CONDENSER, planCondensation } from './condenser.js';
export { Conversation, type ConversationDeps, type Decision, type StartOptions } from './conversation.js';
export { ConversationView, type ViewItem } from './conversation-view.js';
export { detectStuck, type StuckPattern, type StuckVerdict } from './detect-stuck.js';
export { RunLog, type RunLogDeps } from './run-log.js';
export {
  deriveRunState,
  initialRunState,
  type RunMetrics,
  type RunState,
  reduceRunState,
  TERMINAL_STATUSES,
} from './run-state.js';
export { buildSystemPrompt, type SystemPromptOptions } from './system-prompt.js';

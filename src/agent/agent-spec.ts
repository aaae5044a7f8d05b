import type { ToolSpec } from '../events/event.js';
import type { LlmClient, LlmPurpose } from '../llm/types.js';
import type { ConfirmationPolicy } from '../security/confirmation-policy.js';
import type { SecurityAnalyzer } from '../security/security-analyzer.js';
import type { AnyToolDefinition } from '../tools/tool.js';
import type { ParsedToolCall } from '../tools/tool-registry.js';
import type { CondenserSettings } from './condenser.js';

/** What the agent needs of its tools: their specs for the LLM, call parsing, and lookup by name. */
export interface AgentToolbox {
  specs(): ToolSpec[];
  parseToolCall(call: { name: string; arguments: string }): ParsedToolCall;
  /** The tool under its current name (events always store current names). */
  get(name: string): AnyToolDefinition | undefined;
  /** The name the LLM is shown for a tool (current or legacy, per config). */
  displayName(name: string): string;
}

export type { ParsedToolCall };

/** Picks the LLM for each purpose; the client it returns falls back across profiles on its own. */
export interface LlmRouter {
  client(purpose: LlmPurpose): LlmClient;
}

/**
 * The agent: an immutable value built once from config. It holds no run state, so one spec serves
 * any number of runs, and a run resumed elsewhere behaves the same given the same spec.
 */
export interface AgentSpec {
  readonly systemPrompt: string;
  readonly tools: AgentToolbox;
  readonly llm: LlmRouter;
  readonly analyzer: SecurityAnalyzer;
  readonly confirmationPolicy: ConfirmationPolicy;
  readonly condenser: CondenserSettings;
  readonly stuckDetection: boolean;
  /**
   * Headless runs have no one to answer the agent: when it replies without a tool call it is told to
   * go on or call `finish`, as the OpenHands resolver does.
   */
  readonly autoContinue: boolean;
}

export const AUTO_CONTINUE_MESSAGE =
  'Please continue working on the task on whatever approach you think is suitable. ' +
  'When the task is solved, call the finish tool with a summary of what you did. ' +
  'Do not ask for human help: no one will answer.';

import { z } from 'zod';

/**
 * The typed events of a run. The log of these events is the single source of truth: the run's state,
 * its prompt and its replay are all derived from it (OpenHands SDK design). Events are frozen once
 * created and JSON-serialisable; `kind` discriminates them.
 */

export const RISK_LEVELS = ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH'] as const;
export const riskSchema = z.enum(RISK_LEVELS);
export type Risk = z.infer<typeof riskSchema>;

export const RUN_STATUSES = [
  'idle',
  'running',
  'paused',
  'waiting_for_confirmation',
  'finished',
  'error',
  'stuck',
] as const;
export const runStatusSchema = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof runStatusSchema>;

export const eventSourceSchema = z.enum(['agent', 'user', 'environment']);
export type EventSource = z.infer<typeof eventSourceSchema>;

/** Token counts, latency and cost of one LLM call, recorded on the first event the call produced. */
export const llmCallMetricsSchema = z.object({
  responseId: z.string(),
  profile: z.string(),
  model: z.string(),
  purpose: z.enum(['agent', 'condenser', 'security']),
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  cacheReadTokens: z.number().int().nonnegative(),
  cacheWriteTokens: z.number().int().nonnegative(),
  latencyMs: z.number().nonnegative(),
  costUsd: z.number().nonnegative(),
});
export type LlmCallMetrics = z.infer<typeof llmCallMetricsSchema>;

export const toolSpecSchema = z.object({
  name: z.string(),
  description: z.string(),
  /** JSON Schema of the tool's arguments, as the LLM sees it. */
  parameters: z.record(z.string(), z.unknown()),
});
export type ToolSpec = z.infer<typeof toolSpecSchema>;

export const riskReasonSchema = z.object({ rule: z.string(), match: z.string() });
export type RiskReason = z.infer<typeof riskReasonSchema>;

export const securityVerdictSchema = z.object({
  risk: riskSchema,
  reasons: z.array(riskReasonSchema),
  /** LLM calls an analyzer made to reach the verdict: they count toward the run's cost like any other. */
  llmCalls: z.array(llmCallMetricsSchema).optional(),
});
export type SecurityVerdict = z.infer<typeof securityVerdictSchema>;

export const runSettingsSchema = z.object({
  /** The model profile the agent's steps use; the router may fall back to others. */
  modelProfile: z.string(),
  maxIterations: z.number().int().positive(),
  maxCostUsd: z.number().positive().nullable(),
  wallClockLimitMs: z.number().int().positive().nullable(),
  toolNames: z.array(z.string()),
  workspace: z.object({ kind: z.enum(['local', 'docker']), root: z.string() }),
  /** Free-form labels the application attaches (repository, issue number, trigger...). */
  labels: z.record(z.string(), z.string()),
});
export type RunSettings = z.infer<typeof runSettingsSchema>;

const base = {
  id: z.string(),
  runId: z.string(),
  seq: z.number().int().positive(),
  timestamp: z.string(),
  source: eventSourceSchema,
};

export const runStartedEventSchema = z.object({
  ...base,
  kind: z.literal('run_started'),
  settings: runSettingsSchema,
});

export const systemPromptEventSchema = z.object({
  ...base,
  kind: z.literal('system_prompt'),
  systemPrompt: z.string(),
  tools: z.array(toolSpecSchema),
});

export const messageEventSchema = z.object({
  ...base,
  kind: z.literal('message'),
  role: z.enum(['user', 'assistant']),
  content: z.string(),
  /** Who wrote a user message (a login, "cli"...); absent for the LLM's own messages. */
  sender: z.string().optional(),
  /** A nudge the runtime sent on its own (e.g. "continue, or call finish"), not a person's words. */
  automatic: z.boolean().optional(),
  llmResponseId: z.string().optional(),
  llm: llmCallMetricsSchema.optional(),
});

export const actionEventSchema = z.object({
  ...base,
  kind: z.literal('action'),
  thought: z.string(),
  toolName: z.string(),
  toolCallId: z.string(),
  /** Validated arguments, with `security_risk` and `summary` stripped out. */
  arguments: z.record(z.string(), z.unknown()),
  /** The risk the LLM itself declared, UNKNOWN when it declared none. */
  securityRisk: riskSchema,
  /** The analyzers' combined verdict (the LLM's declaration included). */
  verdict: securityVerdictSchema,
  summary: z.string().optional(),
  /** Groups the parallel tool calls of one LLM response. */
  llmResponseId: z.string(),
  llm: llmCallMetricsSchema.optional(),
});

export const observationEventSchema = z.object({
  ...base,
  kind: z.literal('observation'),
  actionId: z.string(),
  toolCallId: z.string(),
  toolName: z.string(),
  content: z.string(),
  isError: z.boolean(),
  exitCode: z.number().int().nullable(),
  truncated: z.boolean(),
  /** Where the full output was kept when `content` was cut. */
  fullOutputPath: z.string().optional(),
  /** Structured result some tools return (the task tracker's list, for one). */
  data: z.record(z.string(), z.unknown()).optional(),
});

export const agentErrorEventSchema = z.object({
  ...base,
  kind: z.literal('agent_error'),
  thought: z.string(),
  toolCallId: z.string(),
  /** The tool name exactly as the LLM wrote it (it may name no tool at all). */
  toolName: z.string(),
  /** The raw argument text the LLM sent, kept so the prompt can show the LLM its own call. */
  rawArguments: z.string(),
  error: z.string(),
  llmResponseId: z.string(),
  llm: llmCallMetricsSchema.optional(),
});

export const userRejectEventSchema = z.object({
  ...base,
  kind: z.literal('user_reject'),
  actionId: z.string(),
  toolCallId: z.string(),
  reason: z.string(),
  rejectedBy: z.enum(['user', 'hook', 'interrupt']),
});

export const condensationEventSchema = z.object({
  ...base,
  kind: z.literal('condensation'),
  forgottenEventIds: z.array(z.string()),
  summary: z.string(),
  /** Index in the condensed view at which the summary is inserted. */
  summaryOffset: z.number().int().nonnegative(),
  llm: llmCallMetricsSchema.optional(),
});

export const pauseEventSchema = z.object({
  ...base,
  kind: z.literal('pause'),
  reason: z.string(),
});

export const stateUpdateEventSchema = z.object({
  ...base,
  kind: z.literal('state_update'),
  status: runStatusSchema,
  reason: z.string().optional(),
});

export const CONVERSATION_ERROR_CODES = [
  'MaxIterationsReached',
  'MaxBudgetReached',
  'WallClockLimitReached',
  'Stuck',
  'LlmError',
  'ConfirmationTimeout',
  'Cancelled',
  'InternalError',
] as const;
export const conversationErrorCodeSchema = z.enum(CONVERSATION_ERROR_CODES);
export type ConversationErrorCode = z.infer<typeof conversationErrorCodeSchema>;

export const conversationErrorEventSchema = z.object({
  ...base,
  kind: z.literal('conversation_error'),
  code: conversationErrorCodeSchema,
  detail: z.string(),
});

export const finishEventSchema = z.object({
  ...base,
  kind: z.literal('finish'),
  message: z.string(),
});

export const runEventSchema = z.discriminatedUnion('kind', [
  runStartedEventSchema,
  systemPromptEventSchema,
  messageEventSchema,
  actionEventSchema,
  observationEventSchema,
  agentErrorEventSchema,
  userRejectEventSchema,
  condensationEventSchema,
  pauseEventSchema,
  stateUpdateEventSchema,
  conversationErrorEventSchema,
  finishEventSchema,
]);

export type RunEvent = z.infer<typeof runEventSchema>;
export type EventKind = RunEvent['kind'];
export type EventOf<K extends EventKind> = Extract<RunEvent, { kind: K }>;
export type RunStartedEvent = EventOf<'run_started'>;
export type SystemPromptEvent = EventOf<'system_prompt'>;
export type MessageEvent = EventOf<'message'>;
export type ActionEvent = EventOf<'action'>;
export type ObservationEvent = EventOf<'observation'>;
export type AgentErrorEvent = EventOf<'agent_error'>;
export type UserRejectEvent = EventOf<'user_reject'>;
export type CondensationEvent = EventOf<'condensation'>;
export type PauseEvent = EventOf<'pause'>;
export type StateUpdateEvent = EventOf<'state_update'>;
export type ConversationErrorEvent = EventOf<'conversation_error'>;
export type FinishEvent = EventOf<'finish'>;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An event before the log gives it its place: id, run, sequence number and time are added on append. */
export type NewEvent = DistributiveOmit<RunEvent, 'id' | 'runId' | 'seq' | 'timestamp'>;

/** Parses one stored event; throws a ZodError naming the bad field. */
export function parseEvent(value: unknown): RunEvent {
  return runEventSchema.parse(value);
}

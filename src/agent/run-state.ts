import type {
  ActionEvent,
  ConversationErrorCode,
  LlmCallMetrics,
  RunEvent,
  RunSettings,
  RunStatus,
} from '../events/event.js';
import type { Task } from '../tools/tool.js';

/**
 * The one mutable thing of a run, derived entirely from its event log by `reduceRunState`. Nothing
 * else keeps run state: a worker that picks a run up folds the log and knows everything it needs.
 */
export interface RunState {
  readonly runId: string;
  readonly status: RunStatus;
  readonly settings: RunSettings | null;
  /** LLM calls made for agent steps (condenser and analyzer calls are not iterations). */
  readonly iterations: number;
  readonly metrics: RunMetrics;
  /** Actions with no observation, rejection or error yet, in log order. */
  readonly pendingActions: readonly ActionEvent[];
  readonly tasks: readonly Task[];
  readonly lastSeq: number;
  readonly startedAt: string | null;
  /** Milliseconds spent in `running`, summed over every stretch (waiting for approval doesn't count). */
  readonly activeMs: number;
  /** When the current `running` stretch began, null when not running. */
  readonly runningSince: string | null;
  readonly finishMessage: string | null;
  readonly error: { code: ConversationErrorCode; detail: string } | null;
  /** Why the last pause happened; `interrupted` makes resume reject unfinished actions. */
  readonly pauseReason: string | null;
}

export interface RunMetrics {
  readonly llmCalls: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
  readonly costUsd: number;
  readonly llmLatencyMs: number;
  /** Prompt tokens of the most recent agent call: what the condenser watches. */
  readonly lastPromptTokens: number;
}

export const TERMINAL_STATUSES: ReadonlySet<RunStatus> = new Set(['finished', 'error', 'stuck']);

export function initialRunState(runId: string): RunState {
  return {
    runId,
    status: 'idle',
    settings: null,
    iterations: 0,
    metrics: {
      llmCalls: 0,
      promptTokens: 0,
      completionTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      costUsd: 0,
      llmLatencyMs: 0,
      lastPromptTokens: 0,
    },
    pendingActions: [],
    tasks: [],
    lastSeq: 0,
    startedAt: null,
    activeMs: 0,
    runningSince: null,
    finishMessage: null,
    error: null,
    pauseReason: null,
  };
}

function addLlmCall(state: RunState, llm: LlmCallMetrics | undefined): RunState {
  if (!llm) return state;
  const m = state.metrics;
  return {
    ...state,
    iterations: llm.purpose === 'agent' ? state.iterations + 1 : state.iterations,
    metrics: {
      llmCalls: m.llmCalls + 1,
      promptTokens: m.promptTokens + llm.promptTokens,
      completionTokens: m.completionTokens + llm.completionTokens,
      cacheReadTokens: m.cacheReadTokens + llm.cacheReadTokens,
      cacheWriteTokens: m.cacheWriteTokens + llm.cacheWriteTokens,
      costUsd: m.costUsd + llm.costUsd,
      llmLatencyMs: m.llmLatencyMs + llm.latencyMs,
      lastPromptTokens: llm.purpose === 'agent' ? llm.promptTokens : m.lastPromptTokens,
    },
  };
}

function withStatus(state: RunState, status: RunStatus, at: string): RunState {
  if (status === state.status) return state;
  const stopping = state.runningSince !== null && status !== 'running';
  const activeMs = stopping ? state.activeMs + elapsedMs(state.runningSince, at) : state.activeMs;
  return {
    ...state,
    status,
    activeMs,
    runningSince: status === 'running' ? (state.runningSince ?? at) : null,
  };
}

function elapsedMs(from: string | null, to: string): number {
  if (from === null) return 0;
  return Math.max(0, Date.parse(to) - Date.parse(from));
}

function settle(state: RunState, toolCallId: string): RunState {
  const pendingActions = state.pendingActions.filter((a) => a.toolCallId !== toolCallId);
  return pendingActions.length === state.pendingActions.length ? state : { ...state, pendingActions };
}

/** Folds one event into the state. Pure: same log, same state, on any machine. */
export function reduceRunState(state: RunState, event: RunEvent): RunState {
  const next: RunState = { ...state, lastSeq: event.seq };
  switch (event.kind) {
    case 'run_started':
      return { ...next, settings: event.settings, startedAt: event.timestamp };
    case 'system_prompt':
    case 'condensation':
      return addLlmCall(next, event.kind === 'condensation' ? event.llm : undefined);
    case 'message':
      return addLlmCall(next, event.llm);
    case 'action': {
      let folded = addLlmCall({ ...next, pendingActions: [...next.pendingActions, event] }, event.llm);
      for (const call of event.verdict.llmCalls ?? []) folded = addLlmCall(folded, call);
      return folded;
    }
    case 'agent_error':
      return addLlmCall(next, event.llm);
    case 'observation': {
      const tasks = parseTasks(event.data);
      return settle(tasks ? { ...next, tasks } : next, event.toolCallId);
    }
    case 'user_reject':
      return settle(next, event.toolCallId);
    case 'pause':
      return { ...withStatus(next, 'paused', event.timestamp), pauseReason: event.reason };
    case 'state_update':
      return {
        ...withStatus(next, event.status, event.timestamp),
        pauseReason: event.status === 'running' ? null : next.pauseReason,
      };
    case 'conversation_error':
      return {
        ...withStatus(next, event.code === 'Stuck' ? 'stuck' : 'error', event.timestamp),
        error: { code: event.code, detail: event.detail },
      };
    case 'finish':
      return { ...withStatus(next, 'finished', event.timestamp), finishMessage: event.message };
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}

export function deriveRunState(runId: string, events: readonly RunEvent[]): RunState {
  let state = initialRunState(runId);
  for (const event of events) state = reduceRunState(state, event);
  return state;
}

/** Active time including the stretch in progress, for the wall-clock limit. */
export function activeMsAt(state: RunState, now: Date): number {
  return state.activeMs + elapsedMs(state.runningSince, now.toISOString());
}

const TASK_STATUSES = new Set(['todo', 'in_progress', 'done']);

/** The task tracker's list travels in its observation's `data.tasks`; anything else is ignored. */
function parseTasks(data: Record<string, unknown> | undefined): Task[] | null {
  const raw = data?.tasks;
  if (!Array.isArray(raw)) return null;
  const tasks: Task[] = [];
  for (const item of raw) {
    if (typeof item !== 'object' || item === null) return null;
    const { title, notes, status } = item as Record<string, unknown>;
    if (typeof title !== 'string' || typeof status !== 'string' || !TASK_STATUSES.has(status)) return null;
    tasks.push({ title, notes: typeof notes === 'string' ? notes : '', status: status as Task['status'] });
  }
  return tasks;
}

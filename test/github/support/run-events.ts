import type { LlmCallMetrics, NewEvent, RunEvent } from '../../../src/events/event.js';

/**
 * Builds a run's event log by hand, with fixed ids and times, for renderers that read logs.
 * `add` returns the stored event (so tests can pair observations with their action).
 */
export function runLog(runId = 'run-1') {
  const events: RunEvent[] = [];
  const add = <E extends NewEvent>(event: E): RunEvent => {
    const seq = events.length + 1;
    const stored = {
      ...event,
      id: `e${seq}`,
      runId,
      seq,
      timestamp: new Date(Date.UTC(2026, 2, 1, 12, 0, seq)).toISOString(),
    } as RunEvent;
    events.push(stored);
    return stored;
  };
  return { events, add };
}

export function llm(costUsd: number, responseId: string): LlmCallMetrics {
  return {
    responseId,
    profile: 'default',
    model: 'test',
    purpose: 'agent',
    promptTokens: 100,
    completionTokens: 10,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    latencyMs: 5,
    costUsd,
  };
}

let calls = 0;

/** An action event as the agent appends it; `verdict` defaults to LOW with no reasons. */
export function action(
  toolName: string,
  args: Record<string, unknown>,
  extra: Partial<Extract<NewEvent, { kind: 'action' }>> = {},
): Extract<NewEvent, { kind: 'action' }> {
  calls++;
  return {
    kind: 'action',
    source: 'agent',
    thought: '',
    toolName,
    toolCallId: `call-${calls}`,
    arguments: args,
    securityRisk: 'LOW',
    verdict: { risk: 'LOW', reasons: [] },
    llmResponseId: `resp-${calls}`,
    ...extra,
  };
}

export function observation(
  of: RunEvent,
  exitCode: number | null,
  extra: Partial<Extract<NewEvent, { kind: 'observation' }>> = {},
): Extract<NewEvent, { kind: 'observation' }> {
  if (of.kind !== 'action') throw new Error('an observation answers an action');
  return {
    kind: 'observation',
    source: 'environment',
    actionId: of.id,
    toolCallId: of.toolCallId,
    toolName: of.toolName,
    content: '',
    isError: false,
    exitCode,
    truncated: false,
    ...extra,
  };
}

export function runStarted(root = '/workspace'): Extract<NewEvent, { kind: 'run_started' }> {
  return {
    kind: 'run_started',
    source: 'user',
    settings: {
      modelProfile: 'default',
      maxIterations: 50,
      maxCostUsd: null,
      wallClockLimitMs: null,
      toolNames: ['terminal', 'file_editor', 'task_tracker', 'finish'],
      workspace: { kind: 'docker', root },
      labels: {},
    },
  };
}

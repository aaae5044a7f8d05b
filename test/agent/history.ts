import type { NewEvent, RunEvent, RunSettings } from '../../src/events/index.js';

/** Builds realistic run logs for tests: deterministic ids, sequence numbers and a ticking clock. */
export class History {
  readonly events: RunEvent[] = [];
  private clock = Date.UTC(2026, 0, 1);
  private calls = 0;

  constructor(readonly runId = 'run-test') {}

  add(...batch: NewEvent[]): RunEvent[] {
    const stored = batch.map((event) => {
      const seq = this.events.length + 1;
      this.clock += 1000;
      const full = {
        ...event,
        id: `e${seq}`,
        runId: this.runId,
        seq,
        timestamp: new Date(this.clock).toISOString(),
      } as RunEvent;
      this.events.push(full);
      return full;
    });
    return stored;
  }

  start(settings: Partial<RunSettings> = {}): this {
    this.add(
      { kind: 'run_started', source: 'environment', settings: { ...SETTINGS, ...settings } },
      { kind: 'system_prompt', source: 'agent', systemPrompt: 'You are a test agent.', tools: [] },
      { kind: 'message', source: 'user', role: 'user', content: 'Fix the bug.', sender: 'tester' },
      { kind: 'state_update', source: 'environment', status: 'running' },
    );
    return this;
  }

  /** One LLM response calling a tool, then its observation. */
  step(toolName: string, args: Record<string, unknown>, result: string, isError = false): this {
    const callId = `call_${++this.calls}`;
    const [action] = this.add({
      kind: 'action',
      source: 'agent',
      thought: '',
      toolName,
      toolCallId: callId,
      arguments: args,
      securityRisk: 'LOW',
      verdict: { risk: 'LOW', reasons: [] },
      llmResponseId: `resp_${this.calls}`,
      llm: metrics(`resp_${this.calls}`),
    });
    this.add({
      kind: 'observation',
      source: 'environment',
      actionId: action?.id ?? '',
      toolCallId: callId,
      toolName,
      content: result,
      isError,
      exitCode: isError ? 1 : 0,
      truncated: false,
    });
    return this;
  }

  say(content: string): this {
    this.add({
      kind: 'message',
      source: 'agent',
      role: 'assistant',
      content,
      llmResponseId: `resp_${++this.calls}`,
    });
    return this;
  }
}

export const SETTINGS: RunSettings = {
  modelProfile: 'default',
  maxIterations: 50,
  maxCostUsd: null,
  wallClockLimitMs: null,
  toolNames: ['terminal', 'file_editor', 'task_tracker', 'think', 'finish'],
  workspace: { kind: 'local', root: '/repo' },
  labels: {},
};

export function metrics(responseId: string, costUsd = 0.01) {
  return {
    responseId,
    profile: 'default',
    model: 'gpt-4o',
    purpose: 'agent' as const,
    promptTokens: 100,
    completionTokens: 10,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    latencyMs: 5,
    costUsd,
  };
}

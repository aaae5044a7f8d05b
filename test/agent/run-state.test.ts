import { describe, expect, it } from 'vitest';
import { deriveRunState } from '../../src/agent/run-state.js';
import { History, metrics } from './history.js';

describe('deriveRunState', () => {
  it('starts idle and takes its settings from run_started', () => {
    const h = new History();
    expect(deriveRunState('r', h.events).status).toBe('idle');
    h.start({ maxIterations: 7 });
    const state = deriveRunState('r', h.events);
    expect(state.status).toBe('running');
    expect(state.settings?.maxIterations).toBe(7);
    expect(state.lastSeq).toBe(4);
  });

  it('counts agent calls as iterations and sums their tokens and cost', () => {
    const h = new History()
      .start()
      .step('terminal', { command: 'ls' }, 'a')
      .step('terminal', { command: 'pwd' }, '/');
    h.add({
      kind: 'condensation',
      source: 'environment',
      forgottenEventIds: [],
      summary: 's',
      summaryOffset: 4,
      llm: { ...metrics('c1', 0.5), purpose: 'condenser' },
    });
    const state = deriveRunState('r', h.events);
    expect(state.iterations).toBe(2);
    expect(state.metrics.llmCalls).toBe(3);
    expect(state.metrics.promptTokens).toBe(300);
    expect(state.metrics.costUsd).toBeCloseTo(0.52);
  });

  it('keeps an action pending until its observation or rejection arrives', () => {
    const h = new History().start();
    const [a1, a2] = h.add(
      ...['call_a', 'call_b'].map((id) => ({
        kind: 'action' as const,
        source: 'agent' as const,
        thought: '',
        toolName: 'terminal',
        toolCallId: id,
        arguments: { command: 'ls' },
        securityRisk: 'LOW' as const,
        verdict: { risk: 'LOW' as const, reasons: [] },
        llmResponseId: 'resp',
      })),
    );
    expect(deriveRunState('r', h.events).pendingActions.map((a) => a.toolCallId)).toEqual([
      'call_a',
      'call_b',
    ]);
    h.add({
      kind: 'observation',
      source: 'environment',
      actionId: a1?.id ?? '',
      toolCallId: 'call_a',
      toolName: 'terminal',
      content: 'x',
      isError: false,
      exitCode: 0,
      truncated: false,
    });
    h.add({
      kind: 'user_reject',
      source: 'user',
      actionId: a2?.id ?? '',
      toolCallId: 'call_b',
      reason: 'no',
      rejectedBy: 'user',
    });
    expect(deriveRunState('r', h.events).pendingActions).toEqual([]);
  });

  it('adds up active time only while running, not while waiting for approval', () => {
    const h = new History().start(); // running from t=4s
    h.add({ kind: 'state_update', source: 'environment', status: 'waiting_for_confirmation' }); // t=5s
    h.add({ kind: 'state_update', source: 'user', status: 'running' }); // t=6s
    h.add({ kind: 'finish', source: 'agent', message: 'done' }); // t=7s
    const state = deriveRunState('r', h.events);
    expect(state.status).toBe('finished');
    expect(state.finishMessage).toBe('done');
    expect(state.activeMs).toBe(2000);
  });

  it('takes the task list from the task tracker observation', () => {
    const h = new History().start();
    h.add({
      kind: 'observation',
      source: 'environment',
      actionId: 'x',
      toolCallId: 'x',
      toolName: 'task_tracker',
      content: 'planned',
      isError: false,
      exitCode: null,
      truncated: false,
      data: {
        tasks: [
          { title: 'Reproduce', notes: '', status: 'done' },
          { title: 'Fix', status: 'todo' },
        ],
      },
    });
    expect(deriveRunState('r', h.events).tasks).toEqual([
      { title: 'Reproduce', notes: '', status: 'done' },
      { title: 'Fix', notes: '', status: 'todo' },
    ]);
  });

  it('ends as stuck for a Stuck error and as error for the others', () => {
    const stuck = new History().start();
    stuck.add({ kind: 'conversation_error', source: 'environment', code: 'Stuck', detail: 'monologue' });
    expect(deriveRunState('r', stuck.events).status).toBe('stuck');
    const failed = new History().start();
    failed.add({ kind: 'conversation_error', source: 'environment', code: 'MaxBudgetReached', detail: '$' });
    expect(deriveRunState('r', failed.events)).toMatchObject({
      status: 'error',
      error: { code: 'MaxBudgetReached' },
    });
  });
});

describe('RunLog snapshots', () => {
  it('keeps a snapshot of the derived state beside the log whenever the status changes', async () => {
    const { RunLog } = await import('../../src/agent/run-log.js');
    const { createInMemoryEventStore } = await import('../../src/events/index.js');
    const store = createInMemoryEventStore();
    const log = await RunLog.open(store, 'run-snap');
    const h = new History('run-snap').start();
    await log.append(h.events.map(({ id, runId, seq, timestamp, ...event }) => event));
    const snapshot = await store.loadSnapshot('run-snap');
    expect(snapshot?.seq).toBe(4);
    expect(snapshot?.state).toMatchObject({ status: 'running', lastSeq: 4 });
  });
});

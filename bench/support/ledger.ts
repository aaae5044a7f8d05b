/**
 * Running totals shared by the bench's instruments (the scripted LLM, the timed store, the timed
 * analyzer). The LLM snapshots them at the start of every agent call, so the difference between two
 * snapshots is one full step of the loop, and what the instruments spent inside it can be subtracted
 * or attributed.
 */
export interface Ledger {
  llmMs: number;
  persistMs: number;
  persistCalls: number;
  analyzerMs: number;
}

export interface StepMark extends Ledger {
  at: number;
}

export function createLedger(): Ledger {
  return { llmMs: 0, persistMs: 0, persistCalls: 0, analyzerMs: 0 };
}

export interface StepCost {
  /** Wall time of the step minus the time spent inside the scripted LLM. */
  overheadMs: number;
  persistMs: number;
  analyzerMs: number;
}

/** Per-step costs from consecutive marks: step i runs from agent call i to agent call i + 1. */
export function stepCosts(marks: readonly StepMark[]): StepCost[] {
  const steps: StepCost[] = [];
  for (let i = 1; i < marks.length; i++) {
    const a = marks[i - 1];
    const b = marks[i];
    if (!a || !b) continue;
    steps.push({
      overheadMs: b.at - a.at - (b.llmMs - a.llmMs),
      persistMs: b.persistMs - a.persistMs,
      analyzerMs: b.analyzerMs - a.analyzerMs,
    });
  }
  return steps;
}

import type { RunEvent } from '../../src/events/index.js';

/** Deterministic message events `seq` from..to for a run: ids and timestamps derive from the seq. */
export function makeEvents(runId: string, from: number, to = from): RunEvent[] {
  const events: RunEvent[] = [];
  for (let seq = from; seq <= to; seq++) {
    events.push({
      id: `${runId}-event-${seq}`,
      runId,
      seq,
      timestamp: new Date(Date.UTC(2025, 0, 1, 0, 0, seq)).toISOString(),
      source: 'user',
      kind: 'message',
      role: 'user',
      content: `message ${seq} with unicode ✓ and a "quote"\nand a newline`,
      sender: 'octocat',
    });
  }
  return events;
}

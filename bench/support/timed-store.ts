import type { EventStore, RunEvent } from '../../src/events/index.js';
import type { Ledger } from './ledger.js';

export interface AppendSample {
  ms: number;
  events: number;
}

/** An EventStore decorator that times every `append` (the durable write the loop waits for). */
export function timedStore(inner: EventStore, ledger: Ledger, samples: AppendSample[]): EventStore {
  return {
    async append(runId: string, events: readonly RunEvent[]): Promise<void> {
      const start = performance.now();
      await inner.append(runId, events);
      const ms = performance.now() - start;
      ledger.persistMs += ms;
      ledger.persistCalls++;
      samples.push({ ms, events: events.length });
    },
    read: (runId, afterSeq) => inner.read(runId, afterSeq),
    lastSeq: (runId) => inner.lastSeq(runId),
    listRuns: () => inner.listRuns(),
    saveSnapshot: (runId, snapshot) => inner.saveSnapshot(runId, snapshot),
    loadSnapshot: (runId) => inner.loadSnapshot(runId),
    close: () => inner.close(),
  };
}

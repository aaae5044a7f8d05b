import { assertValidRunId, checkBatch } from './check-batch.js';
import type { RunEvent } from './event.js';
import { decodeEvent, decodeSnapshot, encodeEvent, encodeSnapshot } from './event-codec.js';
import { type EventStore, RunNotFoundError, type RunSnapshot } from './event-store.js';
import { EventStoreClosedError } from './event-store-errors.js';

export interface InMemoryEventStoreOptions {
  /**
   * The stored records, one JSON string per event in seq order, keyed by run id. Pass a map to share
   * the log between store instances or to inspect (or damage) what was stored in a test.
   */
  records?: Map<string, string[]>;
}

/**
 * The stores' semantics without I/O, for tests and benches of the agent loop. Events are kept as JSON
 * and parsed on read, like the durable stores, so a run behaves the same in memory as on disk: no
 * shared mutable objects, `undefined` fields dropped, a damaged record refused.
 */
export function createInMemoryEventStore(options: InMemoryEventStoreOptions = {}): EventStore {
  const records = options.records ?? new Map<string, string[]>();
  const snapshots = new Map<string, string>();
  let closed = false;

  return {
    async append(runId: string, events: readonly RunEvent[]): Promise<void> {
      assertValidRunId(runId);
      if (closed) throw new EventStoreClosedError();
      if (events.length === 0) return;
      const log = records.get(runId) ?? [];
      // Checked and applied with no await in between, so concurrent appends cannot interleave.
      checkBatch(runId, events, log.length);
      const encoded = events.map(encodeEvent);
      if (!records.has(runId)) records.set(runId, log);
      log.push(...encoded);
    },

    async read(runId: string, afterSeq = 0): Promise<RunEvent[]> {
      assertValidRunId(runId);
      const log = records.get(runId);
      if (log === undefined || log.length === 0) throw new RunNotFoundError(runId);
      const events: RunEvent[] = [];
      for (let index = Math.max(0, Math.floor(afterSeq)); index < log.length; index++) {
        events.push(decodeEvent(runId, index + 1, log[index] ?? ''));
      }
      return events;
    },

    async lastSeq(runId: string): Promise<number> {
      assertValidRunId(runId);
      return records.get(runId)?.length ?? 0;
    },

    async listRuns(): Promise<string[]> {
      return [...records.entries()]
        .filter(([, log]) => log.length > 0)
        .map(([runId]) => runId)
        .sort();
    },

    async saveSnapshot(runId: string, snapshot: RunSnapshot): Promise<void> {
      assertValidRunId(runId);
      if (closed) throw new EventStoreClosedError();
      snapshots.set(runId, encodeSnapshot(snapshot));
    },

    async loadSnapshot(runId: string): Promise<RunSnapshot | undefined> {
      assertValidRunId(runId);
      const text = snapshots.get(runId);
      return text === undefined ? undefined : decodeSnapshot(runId, text);
    },

    async close(): Promise<void> {
      closed = true;
    },
  };
}

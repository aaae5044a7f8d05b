import type { RunEvent } from './event.js';

/**
 * Where a run's events live. One writer appends to a run at a time; `append` is atomic for the batch
 * and durable when its promise resolves, so the step that follows can rely on it. A batch whose first
 * `seq` is not the one after the log's last is refused with `SequenceConflictError`: that is how a
 * second writer (a stalled worker that woke up) finds out it lost the run.
 */
export interface EventStore {
  append(runId: string, events: readonly RunEvent[]): Promise<void>;
  /** Events with `seq` greater than `afterSeq` (all of them by default), in order. */
  read(runId: string, afterSeq?: number): Promise<RunEvent[]>;
  /** The highest `seq` stored for the run, 0 when it has none. */
  lastSeq(runId: string): Promise<number>;
  listRuns(): Promise<string[]>;
  /** A small derived snapshot kept beside the log so readers need not fold it all; never the truth. */
  saveSnapshot(runId: string, snapshot: RunSnapshot): Promise<void>;
  loadSnapshot(runId: string): Promise<RunSnapshot | undefined>;
  close(): Promise<void>;
}

export interface RunSnapshot {
  /** The `seq` of the last event folded into `state`. */
  seq: number;
  state: unknown;
}

export class SequenceConflictError extends Error {
  override readonly name = 'SequenceConflictError';
  constructor(
    readonly runId: string,
    readonly expectedSeq: number,
    readonly gotSeq: number,
  ) {
    super(`run ${runId}: expected event seq ${expectedSeq}, got ${gotSeq} (another writer appended first?)`);
  }
}

export class RunNotFoundError extends Error {
  override readonly name = 'RunNotFoundError';
  constructor(readonly runId: string) {
    super(`run ${runId} has no events`);
  }
}

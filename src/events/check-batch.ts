import type { RunEvent } from './event.js';
import { SequenceConflictError } from './event-store.js';
import { InvalidEventError, InvalidRunIdError } from './event-store-errors.js';

// A whitelist, not a blacklist: run ids become directory names and Redis key parts, so anything that
// could be a separator, a traversal or a glob character is refused outright.
const RUN_ID = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

/** Throws `InvalidRunIdError` unless the id is safe as a path segment and a key part. */
export function assertValidRunId(runId: string): void {
  if (!RUN_ID.test(runId) || runId.includes('..')) throw new InvalidRunIdError(runId);
}

/**
 * Checks a batch before anything is written: every event names the run and the seqs are contiguous
 * from `lastSeq + 1`. Pass `lastSeq` undefined when the store checks the first seq itself (Redis).
 */
export function checkBatch(runId: string, events: readonly RunEvent[], lastSeq: number | undefined): void {
  let expected = lastSeq === undefined ? events[0]?.seq : lastSeq + 1;
  for (const event of events) {
    if (event.runId !== runId) {
      throw new InvalidEventError(runId, event.seq, `it belongs to run ${JSON.stringify(event.runId)}`);
    }
    if (expected !== undefined && event.seq !== expected) {
      throw new SequenceConflictError(runId, expected, event.seq);
    }
    expected = event.seq + 1;
  }
}

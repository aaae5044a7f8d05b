import { z } from 'zod';
import { parseEvent, type RunEvent } from './event.js';
import type { RunSnapshot } from './event-store.js';
import { CorruptEventError, CorruptSnapshotError } from './event-store-errors.js';

/**
 * How every store turns events and snapshots into text and back. All three stores go through JSON so
 * they behave alike (an in-memory run replays exactly as a file or Redis run would), and every read is
 * parsed at the edge: a damaged record fails loudly, naming its run and seq.
 */

export function encodeEvent(event: RunEvent): string {
  return JSON.stringify(event);
}

/** Parses the record stored at `seq`; it must be a valid event that says it is that run's `seq`. */
export function decodeEvent(runId: string, seq: number, text: string): RunEvent {
  let event: RunEvent;
  try {
    event = parseEvent(JSON.parse(text));
  } catch (error) {
    throw new CorruptEventError(runId, seq, { cause: error });
  }
  if (event.runId !== runId || event.seq !== seq) {
    throw new CorruptEventError(runId, seq, {
      cause: undefined,
      detail: `the record says run ${JSON.stringify(event.runId)} seq ${event.seq}`,
    });
  }
  return event;
}

const snapshotSchema = z.object({ seq: z.number().int().nonnegative(), state: z.unknown() });

export function encodeSnapshot(snapshot: RunSnapshot): string {
  return JSON.stringify({ seq: snapshot.seq, state: snapshot.state });
}

export function decodeSnapshot(runId: string, text: string): RunSnapshot {
  try {
    const parsed = snapshotSchema.parse(JSON.parse(text));
    return { seq: parsed.seq, state: parsed.state };
  } catch (error) {
    throw new CorruptSnapshotError(runId, { cause: error });
  }
}

import type { RunEvent } from './event.js';
import { type EventStore, RunNotFoundError } from './event-store.js';

/** A run's events, or none for a run not yet written (stores refuse to read one): a single read. */
export async function readEventsIfAny(store: EventStore, runId: string): Promise<RunEvent[]> {
  try {
    return await store.read(runId);
  } catch (error) {
    if (error instanceof RunNotFoundError) return [];
    throw error;
  }
}

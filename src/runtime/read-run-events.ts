import type { RunEvent, RunStartedEvent } from '../events/event.js';
import type { EventStore } from '../events/event-store.js';
import { readEventsIfAny } from '../events/read-events-if-any.js';

/** A stored run's events, or null when the store has no such run (or only a log without its start). */
export async function readRunEvents(
  store: EventStore,
  runId: string,
): Promise<{ events: RunEvent[]; started: RunStartedEvent } | null> {
  const events = await readEventsIfAny(store, runId);
  const first = events[0];
  return first?.kind === 'run_started' ? { events, started: first } : null;
}

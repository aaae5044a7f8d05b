import { randomUUID } from 'node:crypto';
import type { NewEvent, RunEvent } from '../events/event.js';
import type { EventStore } from '../events/event-store.js';
import { readEventsIfAny } from '../events/read-events-if-any.js';
import { deriveRunState, type RunState, reduceRunState } from './run-state.js';

/** Time and ids come in from outside so tests and replays are deterministic. */
export interface RunLogDeps {
  now?: () => Date;
  newId?: () => string;
  /** Applied to every event before it is stored: no secret reaches the log (or anything built from it). */
  redact?: <T>(value: T) => T;
}

/** Events between snapshots when the status does not change. */
const SNAPSHOT_EVERY = 100;

export type EventListener = (event: RunEvent, state: RunState) => void;

/**
 * The single writer of one run's log: it gives new events their id, place and time, redacts them,
 * makes them durable in the store, and folds them into the derived state. The in-memory copy of the
 * events is a cache of the store, never ahead of it.
 */
export class RunLog {
  private readonly listeners = new Set<EventListener>();
  private readonly now: () => Date;
  private readonly newId: () => string;
  private readonly redact: <T>(value: T) => T;
  private snapshotSeq = 0;

  private constructor(
    readonly runId: string,
    private readonly store: EventStore,
    private readonly events: RunEvent[],
    private currentState: RunState,
    deps: RunLogDeps,
  ) {
    this.now = deps.now ?? (() => new Date());
    this.newId = deps.newId ?? randomUUID;
    this.redact = deps.redact ?? (<T>(value: T) => value);
  }

  /** Opens a run, new or existing, by reading its whole log. */
  static async open(store: EventStore, runId: string, deps: RunLogDeps = {}): Promise<RunLog> {
    const events = await readEventsIfAny(store, runId);
    return new RunLog(runId, store, events, deriveRunState(runId, events), deps);
  }

  get state(): RunState {
    return this.currentState;
  }

  /** The events so far; a read-only view, not a copy. */
  all(): readonly RunEvent[] {
    return this.events;
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Appends a batch atomically; resolves once the store holds it. */
  async append(batch: readonly NewEvent[]): Promise<RunEvent[]> {
    if (batch.length === 0) return [];
    const timestamp = this.now().toISOString();
    let seq = this.currentState.lastSeq;
    const stamped = batch.map(
      (event) =>
        Object.freeze(
          this.redact({ ...event, id: this.newId(), runId: this.runId, seq: ++seq, timestamp }),
        ) as RunEvent,
    );
    await this.store.append(this.runId, stamped);
    const statusBefore = this.currentState.status;
    for (const event of stamped) {
      this.events.push(event);
      this.currentState = reduceRunState(this.currentState, event);
      for (const listener of this.listeners) listener(event, this.currentState);
    }
    if (this.currentState.status !== statusBefore || seq - this.snapshotSeq >= SNAPSHOT_EVERY) {
      // For readers that want a run's state without folding its log (run lists, dashboards).
      await this.store.saveSnapshot(this.runId, { seq, state: this.currentState });
      this.snapshotSeq = seq;
    }
    return stamped;
  }

  async appendOne<E extends NewEvent>(event: E): Promise<RunEvent> {
    const [stored] = await this.append([event]);
    if (!stored) throw new Error('append returned no event');
    return stored;
  }
}

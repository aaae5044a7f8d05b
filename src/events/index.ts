/** The public surface of the events layer: event types and schemas, the store contract, and the stores. */

export { assertValidRunId } from './check-batch.js';
export * from './event.js';
export { type EventStore, RunNotFoundError, type RunSnapshot, SequenceConflictError } from './event-store.js';
export {
  CorruptEventError,
  CorruptSnapshotError,
  EventStoreClosedError,
  InvalidEventError,
  InvalidRunIdError,
  RunLockedError,
} from './event-store-errors.js';
export { createFileEventStore, type FileEventStore, type FileEventStoreOptions } from './file-event-store.js';
export { createInMemoryEventStore, type InMemoryEventStoreOptions } from './in-memory-event-store.js';
export { readEventsIfAny } from './read-events-if-any.js';
export { createRedisEventStore, type RedisEventStoreOptions } from './redis-event-store.js';

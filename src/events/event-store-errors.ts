/**
 * Errors the stores raise besides the two in the contract (`SequenceConflictError`, `RunNotFoundError`).
 * Each names the run so a worker's error boundary can report it without parsing messages.
 */

/** A run id that could escape the store's directory or key space; refused before any I/O. */
export class InvalidRunIdError extends Error {
  override readonly name = 'InvalidRunIdError';
  constructor(readonly runId: string) {
    super(
      `invalid run id ${JSON.stringify(runId)}: use 1-128 characters of [A-Za-z0-9._-], not starting with "."`,
    );
  }
}

/** An event handed to `append` that does not belong in the batch (it names another run). */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
  constructor(
    readonly runId: string,
    readonly seq: number,
    readonly reason: string,
  ) {
    super(`run ${runId}: event at seq ${seq} refused: ${reason}`);
  }
}

/** A stored event that no longer parses: the log is damaged and replaying it would lie. */
export class CorruptEventError extends Error {
  override readonly name = 'CorruptEventError';
  constructor(
    readonly runId: string,
    readonly seq: number,
    options: { cause: unknown; detail?: string },
  ) {
    super(
      `run ${runId}: stored event at seq ${seq} is unreadable${options.detail ? ` (${options.detail})` : ''}`,
      {
        cause: options.cause,
      },
    );
  }
}

/** A stored snapshot that no longer parses; callers may rebuild it from the log. */
export class CorruptSnapshotError extends Error {
  override readonly name = 'CorruptSnapshotError';
  constructor(
    readonly runId: string,
    options: { cause: unknown },
  ) {
    super(`run ${runId}: stored snapshot is unreadable`, { cause: options.cause });
  }
}

/** Another process (or another store in this one) is the run's writer. */
export class RunLockedError extends Error {
  override readonly name = 'RunLockedError';
  constructor(
    readonly runId: string,
    readonly lockPath: string,
    readonly holderPid: number | undefined,
  ) {
    super(
      `run ${runId} is being written by ${holderPid === undefined ? 'another writer' : `process ${holderPid}`} (lock ${lockPath})`,
    );
  }
}

/** `append` or `saveSnapshot` after `close()`. */
export class EventStoreClosedError extends Error {
  override readonly name = 'EventStoreClosedError';
  constructor() {
    super('the event store is closed');
  }
}

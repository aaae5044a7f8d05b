import type { PathFinding } from '../src/security/classify-tree-changes.js';

/**
 * Errors that change what the queue does with a job. The worker and the error boundary branch on these
 * types (never on message text): a transient failure is retried with backoff, a permanent one is not,
 * a stop ends the job as cancelled, and a drain puts it back for another worker without counting an
 * attempt.
 */

/** Worth another attempt later: a network blip, a 5xx, a rate limit, Redis hiccup. */
export class TransientJobError extends Error {
  override readonly name = 'TransientJobError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * Retrying cannot help: bad input, no permission, a refused change. `userMessage` is what the tracking
 * comment may say (short, no stack, already safe to show); `message` is for the logs.
 */
export class PermanentJobError extends Error {
  override readonly name = 'PermanentJobError';
  constructor(
    message: string,
    readonly userMessage: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The pushed tree would change what must not leave the worker (workflows not allowed here, git
 * internals, submodules): nothing was pushed. `refused` says which paths and why, for the report.
 */
export class ChangesRefusedError extends PermanentJobError {
  constructor(readonly refused: readonly PathFinding[]) {
    super(
      `the push would change ${refused.length} refused path(s): ${refused.map((f) => `${JSON.stringify(f.path)} (${f.rule})`).join(', ')}`,
      `The changes touch ${refused.length === 1 ? 'a file' : `${refused.length} files`} that handsbot may not push (${[...new Set(refused.map((f) => f.rule))].join(', ')}), so nothing was pushed.`,
    );
  }
}

/** Someone with the right to do so said `/agent stop`: the job ends, as cancelled, not failed. */
export class JobCancelledError extends Error {
  override readonly name = 'JobCancelledError';
  constructor(readonly reason: string) {
    super(`run stopped: ${reason}`);
  }
}

/**
 * The worker is shutting down and the processor paused at a step boundary. The job goes back to the
 * queue as it is (its event log is the checkpoint) and is not counted as a failed attempt.
 */
export class JobDrainingError extends Error {
  override readonly name = 'JobDrainingError';
  constructor(readonly step: string) {
    super(`worker shutting down; paused at step ${step}`);
  }
}

/** A job payload that does not match the contract: it can never succeed, so it is not retried. */
export class InvalidJobDataError extends Error {
  override readonly name = 'InvalidJobDataError';
  constructor(
    readonly jobId: string,
    readonly issues: readonly string[],
  ) {
    super(`job ${jobId} has invalid data: ${issues.join('; ')}`);
  }
}

/** Redis is not reachable at start-up: names the variable so an operator knows what to fix. */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
  constructor(
    readonly url: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `cannot reach Redis at REDIS_URL=${url} (${reason}). Start Redis or set REDIS_URL to a reachable server.`,
      options,
    );
  }
}

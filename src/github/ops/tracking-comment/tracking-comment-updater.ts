import type { Redact } from '../../../security/redactor.js';
import type { GitHubClient } from '../github-client.js';
import { httpStatusOf } from '../http-status-of.js';

/** Time and timers, injected so tests drive the throttle without waiting. */
export interface Scheduler {
  now(): number;
  /** Runs `fn` after `ms`; returns a function that cancels it. */
  setTimer(fn: () => void, ms: number): () => void;
}

export interface UpdaterLogger {
  warn(details: object, message: string): void;
}

export interface TrackingCommentUpdaterOptions {
  readonly owner: string;
  readonly repo: string;
  readonly commentId: number;
  readonly redact: Redact;
  /** Least time between two progress edits; the final edit ignores it. Default 10 s. */
  readonly minIntervalMs?: number;
  /** The body GitHub holds now, when known (from `ensureTrackingComment`). */
  readonly knownBody?: string;
  readonly scheduler?: Scheduler;
  readonly logger?: UpdaterLogger;
}

/** The tracking comment was deleted: edits stop, and the final flush reports it. */
export class TrackingCommentGoneError extends Error {
  override readonly name = 'TrackingCommentGoneError';
  constructor(readonly commentId: number) {
    super(`tracking comment ${commentId} no longer exists`);
  }
}

const DEFAULT_SCHEDULER: Scheduler = {
  now: () => Date.now(),
  setTimer: (fn, ms) => {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};

/** Wait after a rate-limit answer that named no `retry-after`. */
const DEFAULT_BACKOFF_MS = 60_000;

/**
 * Keeps one tracking comment up to date without spending the rate limit: at most one edit per
 * interval, later updates coalescing into the next edit (only the newest body is sent), no request
 * at all when the body is unchanged, a pause after a 403/429 for as long as `retry-after` says, and a
 * conditional GET (`If-None-Match`; a 304 is free) before the final edit so a repeated final flush
 * of a retried job costs nothing. Progress edits never throw; `flush` does.
 */
export class TrackingCommentUpdater {
  readonly #octokit: GitHubClient;
  readonly #options: TrackingCommentUpdaterOptions;
  readonly #scheduler: Scheduler;
  readonly #interval: number;
  #known: string | undefined;
  #etag: string | undefined;
  #desired: string | undefined;
  #lastEditAt = Number.NEGATIVE_INFINITY;
  #blockedUntil = Number.NEGATIVE_INFINITY;
  #cancelTimer: (() => void) | null = null;
  #inFlight: Promise<void> | null = null;
  #gone = false;
  /** Set by the final flush: a progress update arriving late must not replace the final body. */
  #closed = false;
  #edits = 0;

  constructor(octokit: GitHubClient, options: TrackingCommentUpdaterOptions) {
    this.#octokit = octokit;
    this.#options = options;
    this.#scheduler = options.scheduler ?? DEFAULT_SCHEDULER;
    this.#interval = options.minIntervalMs ?? 10_000;
    this.#known = options.knownBody;
  }

  /** Edits made so far (for tests and metrics). */
  get edits(): number {
    return this.#edits;
  }

  /** Resolves once no edit is in flight (progress edits run in the background). */
  async settled(): Promise<void> {
    while (this.#inFlight) await this.#inFlight;
  }

  /** Asks for `body` to be shown; sent now, or with the next edit the throttle allows. */
  update(body: string): void {
    if (this.#closed) return;
    this.#desired = this.#options.redact(body);
    if (this.#gone || this.#inFlight || this.#cancelTimer) return;
    const wait = Math.max(this.#lastEditAt + this.#interval, this.#blockedUntil) - this.#scheduler.now();
    if (wait <= 0) this.#startEdit();
    else
      this.#cancelTimer = this.#scheduler.setTimer(() => {
        this.#cancelTimer = null;
        this.#startEdit();
      }, wait);
  }

  /**
   * Sends the final body (or the pending one) now, whatever the throttle says, and ignores progress
   * updates from then on; throws on failure. Calling it again (a retried job) re-sends only if needed.
   */
  async flush(body?: string): Promise<void> {
    this.#closed = true;
    if (body !== undefined) this.#desired = this.#options.redact(body);
    this.#cancelTimer?.();
    this.#cancelTimer = null;
    await this.settled();
    if (this.#gone) throw new TrackingCommentGoneError(this.#options.commentId);
    const desired = this.#desired;
    if (desired === undefined) return;
    if (this.#etag !== undefined || this.#known === undefined) {
      if ((await this.refresh()) === null) throw new TrackingCommentGoneError(this.#options.commentId);
    }
    if (desired !== this.#known) await this.#edit(desired);
  }

  /**
   * What GitHub holds now, through a conditional GET when an ETag is known: a 304 means "as we left
   * it" and does not count against the rate limit. Null when the comment is gone.
   */
  async refresh(): Promise<string | null> {
    const { owner, repo, commentId } = this.#options;
    try {
      const response = await this.#octokit.rest.issues.getComment({
        owner,
        repo,
        comment_id: commentId,
        ...(this.#etag ? { headers: { 'if-none-match': this.#etag } } : {}),
      });
      this.#known = response.data.body ?? '';
      this.#etag = response.headers.etag;
      return this.#known;
    } catch (error) {
      const status = httpStatusOf(error);
      if (status === 304) return this.#known ?? null;
      if (status === 404 || status === 410) {
        this.#gone = true;
        return null;
      }
      throw error;
    }
  }

  #startEdit(): void {
    const body = this.#desired;
    if (body === undefined || body === this.#known) return;
    this.#inFlight = this.#edit(body)
      .catch((error: unknown) => {
        this.#options.logger?.warn(
          { err: error, commentId: this.#options.commentId },
          'tracking comment edit failed',
        );
      })
      .finally(() => {
        this.#inFlight = null;
        // Updates that arrived during the edit go out with the next one the throttle allows.
        if (!this.#gone && !this.#closed && this.#desired !== undefined && this.#desired !== this.#known) {
          this.update(this.#options.redact(this.#desired));
        }
      });
  }

  async #edit(body: string): Promise<void> {
    const { owner, repo, commentId } = this.#options;
    this.#lastEditAt = this.#scheduler.now();
    try {
      const response = await this.#octokit.rest.issues.updateComment({
        owner,
        repo,
        comment_id: commentId,
        body,
      });
      this.#edits++;
      this.#known = body;
      this.#etag = response.headers.etag;
    } catch (error) {
      const status = httpStatusOf(error);
      if (status === 404 || status === 410) this.#gone = true;
      if (status === 403 || status === 429) {
        this.#blockedUntil = this.#scheduler.now() + retryAfterMs(error);
      }
      throw error;
    }
  }
}

function retryAfterMs(error: unknown): number {
  const headers = (error as { response?: { headers?: Record<string, string | undefined> } }).response
    ?.headers;
  const seconds = Number(headers?.['retry-after']);
  if (Number.isFinite(seconds) && seconds > 0) return seconds * 1000;
  const reset = Number(headers?.['x-ratelimit-reset']);
  if (headers?.['x-ratelimit-remaining'] === '0' && Number.isFinite(reset)) {
    return Math.max(1000, reset * 1000 - Date.now());
  }
  return DEFAULT_BACKOFF_MS;
}

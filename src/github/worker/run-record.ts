import type { JudgedFollowUp } from '../../../jobs/follow-up-fate.js';
import type { RunState } from '../../agent/run-state.js';
import type { RunEvent } from '../../events/event.js';
import type { TrackingCommentUpdater } from '../ops/tracking-comment/tracking-comment-updater.js';

/**
 * What the adapter remembers about one run between the pipeline's calls, in this process only: all
 * of it is derived again by `loadTask` on every attempt, so a job resumed elsewhere loses nothing.
 */
export interface RunRecord {
  readonly runId: string;
  readonly owner: string;
  readonly repo: string;
  readonly defaultBranch: string | null;
  readonly kind: 'issue' | 'pull_request';
  readonly triggerLabel: string;
  /** REST ids of the review threads shown to the agent: only those may be replied to. */
  readonly shownThreadIds: ReadonlySet<number>;
  readonly fromFork: boolean;
  /** The user was already told why nothing runs (a denial, a bad config): the report stays quiet. */
  told: boolean;
  /** The run's events so far, for the tracking comment and the PR body. */
  readonly events: RunEvent[];
  /** The newest state the run reported: an acknowledgement between events shows it, not a blank. */
  state?: RunState;
  /** Triggers that arrived while the run is live, acknowledged in the tracking comment. */
  followUps: readonly JudgedFollowUp[];
  tracking?: { readonly commentId: number; readonly updater: TrackingCommentUpdater };
  openedDraft?: boolean;
}

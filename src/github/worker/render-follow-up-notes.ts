import type { FollowUpFate, JudgedFollowUp } from '../../../jobs/follow-up-fate.js';
import type { JobData } from '../../../jobs/job-data.js';
import type { Redact } from '../../security/redactor.js';
import type { Outcome } from '../ops/outcome.js';
import { renderOutcome } from '../ops/render-outcome.js';

export interface RenderFollowUpNotesOptions {
  /** The run that holds the target. */
  readonly runId: string;
  /** This repository's trigger label (see `resolveRepoSettings`). */
  readonly triggerLabel: string;
  readonly redact: Redact;
}

/**
 * The tracking comment's notes for triggers that arrived while this run held its target, one each,
 * saying what becomes of it (its fate, see `followUpFate`): the run covers it, it runs after this run,
 * or it was stopped with it. The same lines while the run is live and in its final edit, so an
 * acknowledgement does not disappear when the run ends; it changes only when the end changes the
 * fate (a stop, or a failure that leaves a PR request to run after).
 */
export function renderFollowUpNotes(
  followUps: readonly JudgedFollowUp[],
  { runId, triggerLabel, redact }: RenderFollowUpNotesOptions,
): string[] {
  return followUps
    .filter((f) => isTrigger(f.data, triggerLabel))
    .map((f) => renderOutcome({ kind: NOTE_KIND[f.fate], by: f.data.sender.login, runId }, redact));
}

const NOTE_KIND = {
  covered: 'already_running',
  runs_after: 'runs_after_current',
  dropped: 'dropped_with_stopped_run',
} as const satisfies Record<FollowUpFate, Outcome['kind']>;

/**
 * Whether a follow-up was a trigger for this repository. Every label reaches the queue (the web side
 * cannot read a repository's trigger label), so a label that is not this repository's trigger label
 * is dropped, not acknowledged as "already running".
 */
function isTrigger(followUp: JobData, triggerLabel: string): boolean {
  if (followUp.type !== 'run' || followUp.trigger.kind !== 'issue_labeled') return true;
  // GitHub compares label names without regard to case.
  return followUp.trigger.label.toLowerCase() === triggerLabel.toLowerCase();
}

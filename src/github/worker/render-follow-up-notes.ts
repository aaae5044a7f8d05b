import type { JobData } from '../../../jobs/job-data.js';
import type { Redact } from '../../security/redactor.js';
import { renderOutcome } from '../ops/render-outcome.js';

export interface RenderFollowUpNotesOptions {
  /** The run that holds the target. */
  readonly runId: string;
  /** This repository's trigger label (see `resolveRepoSettings`). */
  readonly triggerLabel: string;
  readonly redact: Redact;
}

/**
 * The tracking comment's notes for triggers that arrived while this run held its target, one each:
 * the same lines while the run is live and in its final edit, so an acknowledgement never changes
 * its wording or disappears when the run ends.
 */
export function renderFollowUpNotes(
  followUps: readonly JobData[],
  { runId, triggerLabel, redact }: RenderFollowUpNotesOptions,
): string[] {
  return followUps
    .filter((f) => isTrigger(f, triggerLabel))
    .map((f) => renderOutcome({ kind: 'already_running', by: f.sender.login, runId }, redact));
}

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

import type { RunJobData } from '../../../jobs/run-job-context.js';
import type { RunEvent } from '../../events/event.js';
import type { ReactionTarget } from '../ops/tracking-comment/ensure-tracking-comment.js';
import type { RunRecord } from './run-record.js';

/** A record for a run this process has not loaded (a report after an early failure). */
export function blankRecord(data: RunJobData, runId: string, triggerLabel: string): RunRecord {
  return {
    runId,
    owner: data.repository.owner,
    repo: data.repository.name,
    defaultBranch: null,
    kind:
      data.trigger.kind === 'issue_labeled' || data.trigger.kind === 'issue_command'
        ? 'issue'
        : 'pull_request',
    triggerLabel,
    shownThreadIds: new Set(),
    fromFork: false,
    told: false,
    events: [],
    followUps: [],
  };
}

/** The 👀 goes on the comment that asked, or on the issue or PR for labels and whole reviews. */
export function reactionTarget(data: RunJobData): ReactionTarget {
  const trigger = data.trigger;
  switch (trigger.kind) {
    case 'issue_command':
    case 'pr_command':
      return { kind: 'issue_comment', commentId: trigger.commentId };
    case 'pr_review':
      return trigger.commentId !== undefined && trigger.reviewId === undefined
        ? { kind: 'review_comment', commentId: trigger.commentId }
        : { kind: 'issue' };
    case 'issue_labeled':
      return { kind: 'issue' };
  }
}

/** The branch the run's first attempt recorded in its settings labels (see jobs/steps/run-agent.ts). */
export function branchLabel(events: readonly RunEvent[]): string | null {
  for (const event of events) {
    if (event.kind === 'run_started') return event.settings.labels.branch ?? null;
  }
  return null;
}

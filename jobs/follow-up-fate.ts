import type { JobData } from './job-data.js';

/**
 * What becomes of a trigger that arrived while a run held its target:
 * - `covered`: the run does it (it asks for what the run is already doing);
 * - `runs_after`: it is new work, and it runs as a new run once this one ends;
 * - `dropped`: the run was stopped with `/agent stop`, and the trigger goes with it.
 */
export type FollowUpFate = 'covered' | 'runs_after' | 'dropped';

/** A follow-up with its fate: what the tracking comment says, and what the job's end hands on. */
export interface JudgedFollowUp {
  readonly data: JobData;
  readonly fate: FollowUpFate;
}

/** The run holding the follow-ups: its task holds what was written up to this time. */
export type RunTriggerTime = Pick<JobData, 'triggeredAt'>;

/**
 * How the run holding the follow-ups ends. A live run is judged as `completes`, what it expects to
 * do; the final report judges again with how it really ended.
 */
export type RunEnd = 'completes' | 'fails' | 'stopped';

/**
 * The one rule for follow-ups, used for the tracking comment (live and final) and for what is run
 * after the job ends, so what the comment says is what happens:
 *
 * - A run stopped with `/agent stop` drops every follow-up: the person said stop, and a run starting
 *   right after the stop would ignore them.
 * - `issue_labeled` and `issue_command` only repeat the request the run is doing (resolve the issue):
 *   the run covers them, whatever its end (if it failed, running the same request again would most
 *   likely fail the same way, and the failure is in the comment that acknowledged them).
 * - `pr_command` and `pr_review` carry new work (instructions, review comments) that the run did not
 *   read: its task holds only what was written up to its own trigger time (`triggeredAt`, see
 *   gatherTriggerContext). They run after it, as one new run, whether the run completes (with any
 *   outcome, a limit or no changes included: the new words were never read) or fails for good (they
 *   are new requests; the failure may be what they answer).
 * - A PR follow-up triggered no later than the run's own trigger time is already in the run's task,
 *   so a run that completes covers it. That is how the several follow-ups requeued together become one
 *   run (`RunQueue.requeueFollowUpsIfFinished` gives that run the latest trigger time). A run that
 *   fails for good did not do them, so they run after it too: one of them may have been refused (a
 *   sender without write access) and must not take the others with it. Each hand-off turns n such
 *   follow-ups into one run holding n-1, so a failure that repeats ends.
 */
export function followUpFate(followUp: JobData, run: RunTriggerTime, end: RunEnd): FollowUpFate {
  if (end === 'stopped') return 'dropped';
  if (followUp.type !== 'run') return 'covered';
  switch (followUp.trigger.kind) {
    case 'issue_labeled':
    case 'issue_command':
      return 'covered';
    case 'pr_command':
    case 'pr_review':
      if (end === 'completes' && !isLater(followUp.triggeredAt, run.triggeredAt)) return 'covered';
      return 'runs_after';
    default: {
      const unreachable: never = followUp.trigger;
      return unreachable;
    }
  }
}

/** Every follow-up judged by `followUpFate`, in order. */
export function judgeFollowUps(
  followUps: readonly JobData[],
  run: RunTriggerTime,
  end: RunEnd,
): JudgedFollowUp[] {
  return followUps.map((data) => ({ data, fate: followUpFate(data, run, end) }));
}

/** An unreadable time counts as later: new work is run rather than lost. */
function isLater(time: string, than: string): boolean {
  const a = Date.parse(time);
  const b = Date.parse(than);
  return !(a <= b);
}

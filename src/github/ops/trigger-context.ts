/**
 * What the agent is told about an issue or pull request: every text in it is untrusted, already
 * sanitised (hidden comments, zero-width and bidi characters stripped) and only from people allowed
 * to trigger. `renderTaskPrompt` quotes each text in its own fenced block.
 */

/** One piece of text someone wrote on GitHub. */
export interface UntrustedItem {
  readonly author: string;
  readonly createdAt: string;
  readonly url: string | null;
  /** Sanitised; cut to a bounded length with a note when it was longer. */
  readonly text: string;
}

export interface ReviewThread {
  /** GraphQL node id (for resolving); the first comment's REST id is what replies attach to. */
  readonly id: string;
  readonly firstCommentId: number;
  readonly path: string;
  readonly line: number | null;
  readonly outdated: boolean;
  readonly comments: readonly UntrustedItem[];
}

/** A check run on the PR's head commit that failed before the trigger. Every text in it is CI output: untrusted. */
export interface FailingCheck {
  /** Sanitised; workflows in the pull request itself choose it. */
  readonly name: string;
  readonly conclusion: 'failure' | 'timed_out';
  readonly completedAt: string;
  /** Sanitised http(s) URL, or null when there was none or it looked wrong. */
  readonly detailsUrl: string | null;
  /** Title, summary and text of the check's output, sanitised and bounded; empty when none. */
  readonly text: string;
  /** True when the total budget for check output was spent before this check. */
  readonly outputLeftOut: boolean;
}

export interface PullRequestChecks {
  /** The commit the checks ran on; empty when it is unknown. */
  readonly headSha: string;
  readonly failing: readonly FailingCheck[];
  /** Completed before the trigger with any other conclusion (success, neutral, skipped, cancelled…). */
  readonly passedOrSkipped: number;
  /** Still running at the trigger, or finished after it. */
  readonly notFinished: number;
  /** Failing checks beyond the budget. */
  readonly overBudget: number;
  /** The installation does not let handsbot read checks. */
  readonly unavailable: boolean;
}

/** Counts of what was not shown to the agent, so the prompt can say so. */
export interface LeftOut {
  /** By people who may not trigger handsbot (bots included) or by deleted accounts. */
  notAllowed: number;
  /** Written after the trigger. */
  afterTrigger: number;
  /** Hidden (minimised) by a maintainer as spam, abuse, off-topic or outdated. */
  minimized: number;
  /** Older than the newest ones kept, past the prompt's budget. */
  overBudget: number;
}

interface Common {
  readonly owner: string;
  readonly repo: string;
  readonly number: number;
  readonly url: string;
  readonly title: string;
  readonly author: string | null;
  /** Null when it was left out (edited after the trigger by someone not allowed to trigger). */
  readonly body: string | null;
  readonly bodyLeftOutReason: string | null;
  readonly triggeredBy: string;
  readonly triggeredAt: string;
  /** The words after `/agent fix`, sanitised; empty when none. */
  readonly instructions: string;
  readonly comments: readonly UntrustedItem[];
  readonly leftOut: LeftOut;
}

export type TriggerContext =
  | ({ readonly kind: 'issue' } & Common)
  | ({
      readonly kind: 'pull_request';
      readonly headRef: string;
      readonly baseRef: string;
      readonly fromFork: boolean;
      /** Review summaries (the text submitted with a review). */
      readonly reviews: readonly UntrustedItem[];
      /** Unresolved threads only, each with its allowed comments. */
      readonly threads: readonly ReviewThread[];
      readonly resolvedThreads: number;
      readonly checks: PullRequestChecks;
    } & Common);

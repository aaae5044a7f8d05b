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
    } & Common);

import type { PathFinding } from '../../security/classify-tree-changes.js';
import type { TriggerPermissionLevel } from '../repo-config/repo-config.schema.js';
import type { RepoConfigProblem } from '../repo-config/repo-config-error.js';

/** How a run ended (or why none ran), as users read it on GitHub. Rendered by `renderOutcome`. */
export type Outcome =
  | {
      readonly kind: 'pull_request_opened';
      readonly number: number;
      readonly url: string;
      readonly draft: boolean;
    }
  | { readonly kind: 'pushed_to_pull_request'; readonly number: number; readonly commits: number }
  | { readonly kind: 'fork_pull_request'; readonly number: number; readonly headRepository: string | null }
  /** The push would have changed paths handsbot may not push (`classifyTreeChanges`): none was. */
  | { readonly kind: 'changes_refused'; readonly refused: readonly PathFinding[] }
  | { readonly kind: 'no_changes'; readonly explanation: string }
  | {
      readonly kind: 'limit_reached';
      readonly reason: 'MaxIterationsReached' | 'MaxBudgetReached' | 'WallClockLimitReached' | 'Stuck';
      /** The agent's last plan or words, if any. */
      readonly done: string | null;
      readonly partialBranch: string | null;
    }
  | { readonly kind: 'internal_error'; readonly runId: string }
  | { readonly kind: 'stopped'; readonly by: string; readonly partialBranch: string | null }
  | {
      readonly kind: 'confirmation_timeout';
      readonly waitedMinutes: number;
      /** The commands that were waiting. */
      readonly pending: readonly string[];
      readonly partialBranch: string | null;
    }
  | { readonly kind: 'bad_config'; readonly path: string; readonly problems: readonly RepoConfigProblem[] }
  /** A trigger while run `runId` held the target, asking for what that run already does. */
  | { readonly kind: 'already_running'; readonly by: string; readonly runId: string }
  /** A trigger with new work while run `runId` held the target: it runs once that run ends. */
  | { readonly kind: 'runs_after_current'; readonly by: string; readonly runId: string }
  /** A trigger that came while run `runId` held the target, which was then stopped. */
  | { readonly kind: 'dropped_with_stopped_run'; readonly by: string; readonly runId: string }
  | {
      readonly kind: 'help';
      readonly triggerLabel: string;
      readonly permissions: readonly TriggerPermissionLevel[];
      /** The repository's settings file, when it is invalid (and so nothing starts here). */
      readonly invalidConfigPath?: string;
    };

export type OutcomeKind = Outcome['kind'];

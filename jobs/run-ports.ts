import type { RunState } from '../src/agent/run-state.js';
import type { RunEvent } from '../src/events/event.js';
import type { PathFinding } from '../src/security/classify-tree-changes.js';
import type { ConfirmationPolicy } from '../src/security/confirmation-policy.js';
import type { BranchPolicy } from '../src/workspace/git/check-branch-name.js';
import type { NetworkPolicy } from '../src/workspace/network/network-policy.js';
import type { Workspace } from '../src/workspace/workspace.js';
import type { JudgedFollowUp } from './follow-up-fate.js';
import type { RunJobData, RunJobOutcome } from './run-job-context.js';

/**
 * What the run pipeline needs from modules outside jobs/, as small ports the worker process wires to
 * real adapters (the Docker workspace and mirror cache, the GitHub operations). Adapters throw
 * `TransientJobError` for failures worth a retry and `PermanentJobError` (with a user message) for
 * refusals; the error boundary treats anything else as an internal error.
 */

/** The issue or PR as the agent gets it, after the sender's permission was checked. */
export interface RunTask {
  kind: 'issue' | 'pull_request';
  number: number;
  title: string;
  /** The prompt: sanitised, fenced untrusted text, only content from before the trigger. */
  prompt: string;
  /** Branch to check out: the PR's head for PR work, null for the default branch. */
  checkoutRef: string | null;
  /** The repository's default branch (what `checkoutRef: null` means; where a new branch starts). */
  defaultBranch?: string;
  /** Branch to push to: the PR's head for PR work, a new `openhands/issue-<n>-<slug>` otherwise. */
  pushBranch: string;
  /** Which branches the push may touch: the prefix for new branches, never default or protected ones. */
  branchPolicy: BranchPolicy;
  /** A PR from a fork: handsbot cannot push to it (explained to the user, nothing runs). */
  fromFork: boolean;
  /** Repository instructions (AGENTS.md…), already read from the base commit and sanitised. */
  repositoryInstructions?: string;
  /** `.github/openhands.yml` decisions that bear on the pipeline. */
  allowWorkflowChanges: boolean;
  draft: boolean;
  /** What the repository's own `.github/openhands.yml` sets for the run; absent keys fall back to the worker's. */
  repoSettings?: RepoRunSettings;
}

/** Per-repository run settings. Limits can only be lowered below the installation's, never raised. */
export interface RepoRunSettings {
  modelProfile?: string;
  maxIterations?: number;
  maxCostUsd?: number;
  /** Megabytes of disk the checkout may use. */
  diskLimitMb?: number;
  image?: string;
  /** The setup script's path in the repository (default `.openhands/setup.sh`). */
  setupScript?: string;
  network?: NetworkPolicy;
  confirmation?: ConfirmationPolicy;
}

export interface PreparedWorkspace {
  /** Where the agent's tools act (a container for real runs). */
  readonly workspace: Workspace;
  /** The checkout on the worker's disk, for the trusted push (the agent never pushes). */
  readonly checkoutDir: string;
  /** The repository's URL without credentials: where to push. */
  readonly remoteUrl: string;
  readonly baseCommit: string;
  /** AGENTS.md and .openhands/microagents/repo.md from the base branch, sanitised and fenced. */
  readonly repositoryInstructions?: string;
  /**
   * A resumed run whose checkout was gone (it started on another worker, or the disk was cleaned) got
   * a fresh one: the edits its log records are not in it, and the agent is told so.
   */
  readonly freshCheckoutOnResume?: boolean;
  /**
   * Aborts when the workspace itself ends the run (its checkout went over the disk limit, measured by
   * the watchdog); the reason is the error the run ends with.
   */
  readonly stopped?: AbortSignal;
  /** What `.openhands/setup.sh` (from the base branch) did in the sandbox before the agent started. */
  readonly setup?: { readonly exitCode: number; readonly output: string; readonly timedOut: boolean };
  /**
   * Called in `finally`, whatever happened. `final: false` when the job will run again (a retry, a
   * drain): the provider may keep the checkout so the resumed run finds its edits.
   */
  release(options: { final: boolean }): Promise<void>;
}

export interface WorkspaceProvider {
  /**
   * A workspace for `runId`. With `resume`, the run's own checkout when this worker still has it, so
   * its edits survive; otherwise a fresh one, flagged `freshCheckoutOnResume`, never silently.
   */
  prepare(request: {
    runId: string;
    data: RunJobData;
    task: RunTask;
    resume: boolean;
    signal: AbortSignal;
  }): Promise<PreparedWorkspace>;
}

export interface PullRequestRef {
  number: number;
  url: string;
}

/** What the user is told at the end (the tracking comment's final edit). */
export interface RunReport {
  /** A skipped job reports nothing. */
  outcome: Exclude<RunJobOutcome, 'skipped'>;
  runId: string;
  /** Short, redacted text: never a stack trace. */
  message: string;
  failedStep?: string;
  pullRequest?: PullRequestRef;
  branch?: string;
  state?: RunState;
  /**
   * Pushed paths that control later runs or developers' machines (`classifyTreeChanges`): the report
   * lists them under a heading a reviewer cannot miss, as the PR body does.
   */
  flagged?: readonly PathFinding[];
  /** A push refused for these paths (nothing was pushed): the report says which and why. */
  refused?: readonly PathFinding[];
  /** Triggers that arrived during the run and started none of their own, with what becomes of each. */
  followUps: readonly JudgedFollowUp[];
}

export interface RunGitHub {
  /**
   * Checks the sender's permission (PermanentJobError when refused) and reads the task for run
   * `runId`, the id every later call about this run passes: the pipeline's, never one derived again
   * from `data` (a trigger run in a skipped job's place runs under that job's id).
   */
  loadTask(data: RunJobData, runId: string, signal: AbortSignal): Promise<RunTask>;
  /** 👀 and the tracking comment; finds its own on a retry (hidden marker), never posts a second. */
  startTracking(data: RunJobData, runId: string): Promise<void>;
  /**
   * Called on each appended event with the state after it; the adapter throttles edits of the
   * tracking comment. `event` is what the comment summarises (commands, files, tests).
   */
  trackProgress(data: RunJobData, state: RunState, event?: RunEvent): void;
  /**
   * Called while the run is live with every trigger that has arrived for its target so far, each
   * time more arrive: the tracking comment acknowledges them at once (throttled like progress), the
   * same way the final report does, instead of only when the run ends.
   */
  acknowledgeFollowUps(data: RunJobData, runId: string, followUps: readonly JudgedFollowUp[]): void;
  /** A fresh installation token for this repository: only ever in memory, never in job data. */
  installationToken(data: RunJobData): Promise<string>;
  /** Opens the PR for `branch`, or returns the one already open for it (idempotent on retry). */
  openPullRequest(request: {
    data: RunJobData;
    task: RunTask;
    branch: string;
    state: RunState;
    /** Pushed paths that control later runs or developers' machines: listed first in the body. */
    flagged: readonly PathFinding[];
  }): Promise<PullRequestRef>;
  report(data: RunJobData, report: RunReport): Promise<void>;
}

export interface RunPorts {
  workspaces: WorkspaceProvider;
  github: RunGitHub;
}

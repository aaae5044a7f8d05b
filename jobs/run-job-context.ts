import type { Logger } from 'pino';
import type { Decision } from '../src/agent/conversation.js';
import type { JudgedFollowUp } from './follow-up-fate.js';
import type { JobData } from './job-data.js';

export type RunJobData = Extract<JobData, { type: 'run' }>;

/** What `job.progress` holds for a run job: small, structured, safe to show on a dashboard. */
export interface RunJobProgress {
  /** The pipeline step running now (`started` before the first). */
  step: string;
  attempt: number;
  resume: boolean;
  /** Agent steps so far and dollars spent, once the agent runs. */
  iterations?: number;
  costUsd?: number;
  /** ISO time of this update. */
  at: string;
}

/** Everything a run job's processor gets from the worker; nothing in it is BullMQ's. */
export interface RunJobContext {
  readonly jobId: string;
  /** The agent run's id (its event log), the same on every attempt and after a stall: see `runIdForJob`. */
  readonly runId: string;
  readonly data: RunJobData;
  /** 1 on the first attempt; counts failed attempts, not stalls or drains. */
  readonly attempt: number;
  readonly maxAttempts: number;
  /**
   * This job was processed before (a retry, a stalled job picked up again, a job put back by a worker
   * that shut down): resume the run from its event log instead of starting it.
   */
  readonly resume: boolean;
  /** The last worker to hold this job died or lost its lock (BullMQ's stalled-job check). */
  readonly stalled: boolean;
  /** Aborted when someone stops the run (`/agent stop`): stop now, the job ends as cancelled. */
  readonly signal: AbortSignal;
  /**
   * Aborted when this worker shuts down: let the current step finish, then throw `JobDrainingError`;
   * the job goes back to the queue for another worker to resume.
   */
  readonly drain: AbortSignal;
  readonly logger: Logger;
  reportProgress(progress: Omit<RunJobProgress, 'attempt' | 'resume' | 'at'>): Promise<void>;
  /** The next `/agent approve` or `/agent reject` for this run; rejects when `signal` aborts. */
  waitForDecision(signal: AbortSignal): Promise<Decision>;
  /**
   * Triggers for this target that arrived while the job was queued or running, oldest first, left in
   * place: for acknowledging them, live and in the final report.
   */
  pendingFollowUps(): Promise<JobData[]>;
  /** The oldest of them, taken: a skipped job runs it in its own place. */
  takeNextFollowUp(): Promise<JobData | null>;
  /**
   * After the final report showed `judged` (the first pending ones, in order): they are done with,
   * and those whose fate is `runs_after` are queued as a new run once this job has ended.
   */
  settleFollowUps(judged: readonly JudgedFollowUp[]): Promise<void>;
}

export type RunJobOutcome =
  | 'pull_request_opened'
  | 'pushed'
  | 'no_changes'
  | 'partial'
  | 'waiting_for_confirmation'
  | 'cancelled'
  | 'failed'
  /** The trigger turned out not to be one (another label): nothing ran and nothing was posted. */
  | 'skipped';

/** A job's return value, stored by BullMQ with the completed job. */
export interface RunJobResult {
  outcome: RunJobOutcome;
  runId: string;
  /** The step that failed, when one did. */
  failedStep?: string;
  /** What the user was told (already redacted). */
  message?: string;
  pullRequestUrl?: string;
  branch?: string;
}

export type RunJobProcessor = (context: RunJobContext) => Promise<RunJobResult>;

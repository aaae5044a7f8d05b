import { LlmError } from '../src/llm/llm-error.js';
import type { PathFinding } from '../src/security/classify-tree-changes.js';
import type { Redact } from '../src/security/redactor.js';
import {
  BranchPolicyError,
  GitCommandError,
  TamperedCheckoutError,
} from '../src/workspace/git/git-errors.js';
import {
  ChangesRefusedError,
  JobCancelledError,
  JobDrainingError,
  PermanentJobError,
  TransientJobError,
} from './job-errors.js';

/**
 * What happens to the job after a step failed. `skip`: the trigger was not for handsbot after all
 * (a label that is not the repository's trigger label); the job ends without a word on GitHub.
 */
export type FailureAction = 'retry' | 'give_up' | 'cancelled' | 'drain' | 'skip';

export interface Failure {
  action: FailureAction;
  level: 'info' | 'warn' | 'error';
  /** The step that failed (e.g. `push`). */
  step: string;
  /** What the tracking comment may say: short, redacted, never a stack trace. */
  userMessage: string;
  /** What the logs say: the error's own message, redacted. */
  logMessage: string;
  /** The paths a refused push would have changed, and why each is refused (`ChangesRefusedError`). */
  refused?: readonly PathFinding[];
}

export interface BoundaryContext {
  step: string;
  runId: string;
  attempt: number;
  maxAttempts: number;
  redact: Redact;
}

/**
 * The one place a run job's failure is decided: retry or give up, how loudly to log it, and what the
 * user is told. It branches on error types only (each module says what kind of failure it had), so a
 * reworded message never turns a permanent failure into a retry loop. A transient failure on the last
 * attempt gives up, so the user hears of it.
 */
export function classifyFailure(error: unknown, context: BoundaryContext): Failure {
  const { step, redact } = context;
  const logMessage = redact(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  const base = { step, logMessage };
  if (error instanceof JobCancelledError) {
    return { ...base, action: 'cancelled', level: 'info', userMessage: redact(`Stopped: ${error.reason}.`) };
  }
  if (error instanceof JobDrainingError) {
    return {
      ...base,
      action: 'drain',
      level: 'info',
      userMessage: 'Paused while a worker restarts; it will resume.',
    };
  }
  // An empty user message means nobody is to be told: not a failure, just not handsbot's to do.
  if (error instanceof PermanentJobError && error.userMessage === '') {
    return { ...base, action: 'skip', level: 'info', userMessage: '' };
  }
  const transient = isTransient(error);
  if (transient && context.attempt < context.maxAttempts) {
    return {
      ...base,
      action: 'retry',
      level: 'warn',
      userMessage: 'A temporary problem interrupted the run; retrying.',
    };
  }
  const level = transient || isRefusal(error) ? 'warn' : 'error';
  return {
    ...base,
    action: 'give_up',
    level,
    userMessage: redact(userMessageFor(error, context)),
    ...(error instanceof ChangesRefusedError ? { refused: error.refused } : {}),
  };
}

function isTransient(error: unknown): boolean {
  if (error instanceof TransientJobError) return true;
  if (error instanceof LlmError) return error.transient;
  if (error instanceof GitCommandError) return error.kind === 'network';
  return false;
}

/** Failures that are someone's decision (a policy, a permission), not a fault of handsbot. */
function isRefusal(error: unknown): boolean {
  return (
    error instanceof PermanentJobError ||
    error instanceof BranchPolicyError ||
    error instanceof TamperedCheckoutError ||
    (error instanceof GitCommandError && (error.kind === 'auth' || error.kind === 'rejected'))
  );
}

function userMessageFor(error: unknown, { step, runId }: BoundaryContext): string {
  if (error instanceof PermanentJobError) return error.userMessage;
  if (error instanceof TransientJobError || (error instanceof LlmError && error.transient)) {
    return `A temporary problem (${step}) persisted after several attempts. Run id: ${runId}.`;
  }
  if (error instanceof LlmError) {
    return `The model provider refused the request (${error.kind.replaceAll('_', ' ')}). Run id: ${runId}.`;
  }
  if (error instanceof BranchPolicyError) {
    return `handsbot may not push to branch \`${error.branch}\` (${error.reason}). Nothing was pushed.`;
  }
  if (error instanceof TamperedCheckoutError) {
    return 'The run changed its checkout’s git configuration or objects in a way that could redirect or disguise a push, so nothing was pushed.';
  }
  if (error instanceof GitCommandError) {
    switch (error.kind) {
      case 'auth':
        return 'GitHub refused handsbot’s credentials for this repository. Check the app’s installation.';
      case 'rejected':
        return 'GitHub rejected the push (the branch moved or is protected). Nothing was overwritten.';
      case 'network':
        return `GitHub could not be reached to ${error.command} after several attempts. Run id: ${runId}.`;
      default:
        return `git ${error.command} failed. Run id: ${runId}.`;
    }
  }
  return `An internal error stopped this run at step “${step}”. Run id: ${runId}; details are in the worker’s logs.`;
}

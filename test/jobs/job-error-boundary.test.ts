import { describe, expect, it } from 'vitest';
import { classifyFailure } from '../../jobs/job-error-boundary.js';
import {
  JobCancelledError,
  JobDrainingError,
  PermanentJobError,
  TransientJobError,
} from '../../jobs/job-errors.js';
import { LlmError } from '../../src/llm/llm-error.js';
import { createRedactor } from '../../src/security/redactor.js';
import { BranchPolicyError, GitCommandError } from '../../src/workspace/git/git-errors.js';

const context = (attempt = 1) => ({
  step: 'push',
  runId: 'run-1-2-x',
  attempt,
  maxAttempts: 3,
  redact: createRedactor({ secrets: ['super-secret-value'] }),
});

describe('classifyFailure', () => {
  it('retries transient failures by type while attempts remain, then gives up and says so', () => {
    for (const error of [
      new TransientJobError('502'),
      new LlmError('overloaded', { kind: 'server', profile: 'default', status: 529 }),
      new GitCommandError('network', 'push', 128, 'could not resolve host'),
    ]) {
      expect(classifyFailure(error, context(1)).action).toBe('retry');
      const last = classifyFailure(error, context(3));
      expect(last).toMatchObject({ action: 'give_up', level: 'warn', step: 'push' });
      expect(last.userMessage).toContain('run-1-2-x');
    }
  });

  it('gives up at once on permanent failures, with the module’s own reason', () => {
    expect(classifyFailure(new PermanentJobError('no', 'You need write access.'), context())).toMatchObject({
      action: 'give_up',
      userMessage: 'You need write access.',
    });
    expect(
      classifyFailure(new LlmError('bad key', { kind: 'authentication', profile: 'default' }), context()),
    ).toMatchObject({ action: 'give_up', userMessage: expect.stringContaining('authentication') });
    expect(classifyFailure(new GitCommandError('auth', 'push', 128, 'denied'), context())).toMatchObject({
      action: 'give_up',
      level: 'warn',
    });
    expect(classifyFailure(new BranchPolicyError('main', 'protected'), context()).userMessage).toContain(
      '`main`',
    );
  });

  it('an unknown error is an internal error: logged loudly, the user sees the step and run id, never a stack', () => {
    const error = new TypeError(
      'cannot read x of undefined; token super-secret-value ghp_abcdefghijklmnopqrstuvwxyz0123',
    );
    const failure = classifyFailure(error, context());
    expect(failure).toMatchObject({ action: 'give_up', level: 'error', step: 'push' });
    expect(failure.userMessage).toBe(
      'An internal error stopped this run at step “push”. Run id: run-1-2-x; details are in the worker’s logs.',
    );
    expect(failure.logMessage).not.toContain('super-secret-value');
    expect(failure.logMessage).not.toContain('ghp_abc');
    expect(failure.logMessage).not.toContain('    at ');
  });

  it('a message that merely mentions a retryable word is not retried (types, not text, decide)', () => {
    expect(classifyFailure(new Error('ETIMEDOUT 503 rate limit'), context()).action).toBe('give_up');
  });

  it('a permanent error with nothing to tell the user is a skip, logged at info, not a failure', () => {
    const failure = classifyFailure(
      new PermanentJobError('label bug is not the trigger label', ''),
      context(1),
    );
    expect(failure).toMatchObject({ action: 'skip', level: 'info', userMessage: '' });
  });

  it('stops and drains are their own outcomes', () => {
    expect(classifyFailure(new JobCancelledError('stopped by @alice'), context()).action).toBe('cancelled');
    expect(classifyFailure(new JobDrainingError('run-agent'), context()).action).toBe('drain');
  });
});

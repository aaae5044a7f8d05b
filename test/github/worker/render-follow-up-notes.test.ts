import { describe, expect, it } from 'vitest';
import { renderFollowUpNotes } from '../../../src/github/worker/render-follow-up-notes.js';
import { redact } from '../support/github-test-kit.js';
import { issueJob, judged } from './run-github-fixtures.js';

const options = { runId: 'run-1', triggerLabel: 'fix-me', redact };
const prFix = issueJob({
  sender: { login: 'bob', id: 8 },
  trigger: { kind: 'pr_command', prNumber: 12, commentId: 610, instructions: 'make X clearer' },
});
const label = (login: string, name: string) =>
  issueJob({ sender: { login, id: 9 }, trigger: { kind: 'issue_labeled', issueNumber: 12, label: name } });

describe('renderFollowUpNotes', () => {
  it('says for each follow-up what becomes of it', () => {
    const notes = renderFollowUpNotes(
      [judged(prFix, 'runs_after'), judged(label('carol', 'FIX-ME'), 'covered')],
      options,
    );
    expect(notes).toHaveLength(2);
    expect(notes[0]).toContain('request was noted: it runs after run `run-1` finishes');
    expect(notes[0]).toContain('bob');
    expect(notes[0]).not.toContain('already working on this');
    expect(notes[1]).toContain('request was noted: run `run-1` is already working on this');
    expect(notes[1]).toContain('carol');
  });

  it('a stopped run says its follow-ups were not run', () => {
    const [note] = renderFollowUpNotes([judged(prFix, 'dropped')], options);
    expect(note).toContain('request was not run: run `run-1` was stopped');
    expect(note).toContain('Ask again');
  });

  it('a label that is not this repository’s trigger label is no request: no note', () => {
    expect(renderFollowUpNotes([judged(label('dave', 'bug'), 'covered')], options)).toEqual([]);
  });
});

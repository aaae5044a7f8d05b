import nock from 'nock';
import { describe, expect, it, vi } from 'vitest';
import { FLAGGED_CHANGES_HEADING } from '../../../src/github/ops/render-path-findings.js';
import { API, OWNER, REPO, useNock } from '../support/github-test-kit.js';
import {
  adapter,
  COMMENTS,
  covered,
  issueJob,
  manualScheduler,
  mockPullRequest,
  mockRepoAndPermission,
  prJob,
  RUN_ID,
  state,
} from './run-github-fixtures.js';

const COMMENT = `/repos/${OWNER}/${REPO}/issues/comments/900`;

function mockNewTrackingComment() {
  return nock(API)
    .post(`/repos/${OWNER}/${REPO}/issues/12/reactions`, { content: 'eyes' })
    .reply(201, { id: 1 })
    .get(COMMENTS)
    .query(true)
    .reply(200, [])
    .post(COMMENTS)
    .reply(201, { id: 900 });
}

/** Records each edit of the tracking comment. */
function mockEdits(times: number) {
  const bodies: string[] = [];
  nock(API)
    .patch(COMMENT, (b: { body: string }) => bodies.push(b.body) > 0)
    .times(times)
    .reply(200, { id: 900 });
  return bodies;
}

describe('createRunGitHub tracking and report', () => {
  useNock();

  it('startTracking twice (the same run) posts one comment', async () => {
    const scope = mockNewTrackingComment();
    const github = adapter();
    await github.startTracking(issueJob(), RUN_ID);
    await github.startTracking(issueJob(), RUN_ID);
    expect(scope.isDone()).toBe(true);
  });

  it('trackProgress coalesces updates: one edit now, then one with the newest state after the interval', async () => {
    const { scheduler, advance } = manualScheduler();
    mockNewTrackingComment();
    const bodies = mockEdits(2);
    const github = adapter({ scheduler });
    await github.startTracking(issueJob(), RUN_ID);
    github.trackProgress(issueJob(), state({ status: 'running', iterations: 1 }));
    github.trackProgress(issueJob(), state({ status: 'running', iterations: 2 }));
    github.trackProgress(issueJob(), state({ status: 'running', iterations: 3 }));
    await vi.waitFor(() => expect(bodies).toHaveLength(1));
    expect(bodies[0]).toContain('1 step ·');
    advance(10_000);
    await vi.waitFor(() => expect(bodies).toHaveLength(2));
    expect(bodies[1]).toContain('3 steps ·');
  });

  it('a trigger that arrives while the run is live is acknowledged in the next edit, and the final edit keeps that note once', async () => {
    const { scheduler, advance } = manualScheduler();
    mockNewTrackingComment();
    const bodies = mockEdits(3);
    const github = adapter({ scheduler });
    await github.startTracking(issueJob(), RUN_ID);
    github.trackProgress(issueJob(), state({ status: 'running', iterations: 1 }));
    await vi.waitFor(() => expect(bodies).toHaveLength(1));
    expect(bodies[0]).not.toContain('request was noted');

    const bob = issueJob({
      sender: { login: 'bob', id: 8 },
      deliveryId: 'd-2',
      trigger: { kind: 'issue_command', issueNumber: 12, commentId: 610, instructions: 'also the docs' },
    });
    const bug = issueJob({
      sender: { login: 'carol', id: 9 },
      deliveryId: 'd-3',
      trigger: { kind: 'issue_labeled', issueNumber: 12, label: 'bug' },
    });
    github.acknowledgeFollowUps(issueJob(), RUN_ID, [covered(bob), covered(bug)]);
    advance(10_000);
    await vi.waitFor(() => expect(bodies).toHaveLength(2));
    expect(bodies[1]).toContain('⏳ handsbot is working on it');
    expect(bodies[1]).toContain('1 step ·');
    expect(bodies[1]).toContain(`\`@bob\`'s request was noted: run \`${RUN_ID}\` is already working on this`);
    // Any label reaches the queue; one that is not the trigger label is no request.
    expect(bodies[1]).not.toContain('carol');

    await github.report(issueJob(), {
      outcome: 'no_changes',
      runId: RUN_ID,
      message: 'Nothing to change.',
      state: state({ status: 'finished', finishMessage: 'Nothing to change.', iterations: 2 }),
      followUps: [covered(bob), covered(bug)],
    });
    expect(bodies[2]).toContain('✅ handsbot has finished');
    expect(bodies[2]?.split('request was noted')).toHaveLength(2);
    expect(bodies[2]).not.toContain('carol');
  });

  it('report of an opened PR links it in the final edit and notes a trigger that came meanwhile', async () => {
    mockNewTrackingComment();
    const bodies = mockEdits(1);
    const github = adapter();
    await github.startTracking(issueJob(), RUN_ID);
    const url = `https://github.com/${OWNER}/${REPO}/pull/31`;
    await github.report(issueJob(), {
      outcome: 'pull_request_opened',
      runId: RUN_ID,
      message: 'Guarded the handler.',
      pullRequest: { number: 31, url },
      branch: 'openhands/issue-12-login-button-broken',
      state: state({ status: 'finished', finishMessage: 'Guarded the handler.', iterations: 4 }),
      followUps: [covered({ ...issueJob(), sender: { login: 'bob', id: 8 }, deliveryId: 'd-2' })],
    });
    expect(bodies[0]).toContain(`draft pull request #31 with a potential fix: ${url}`);
    expect(bodies[0]).toContain('request was noted');
    expect(bodies[0]).toContain('✅ handsbot has finished');
  });

  it('report of a push to a PR flags what it changed in the final edit and under the thread reply', async () => {
    mockRepoAndPermission('write');
    mockPullRequest(false);
    const github = adapter();
    await github.loadTask(prJob(), RUN_ID, new AbortController().signal);
    // 👀 goes on the `/agent fix` comment; the tracking comment is new.
    nock(API)
      .post(`/repos/${OWNER}/${REPO}/issues/comments/600/reactions`, { content: 'eyes' })
      .reply(201, { id: 1 })
      .get(COMMENTS)
      .query(true)
      .reply(200, [])
      .post(COMMENTS)
      .reply(201, { id: 900 });
    const bodies = mockEdits(1);
    const replies: string[] = [];
    const threads = nock(API)
      .get(`/repos/${OWNER}/${REPO}/pulls/12/comments`)
      .query({ per_page: 100 })
      .reply(200, [])
      .post(`/repos/${OWNER}/${REPO}/pulls/12/comments/701/replies`, (b: { body: string }) => {
        replies.push(b.body);
        return true;
      })
      .reply(201, { id: 702 });
    await github.startTracking(prJob(), RUN_ID);
    await github.report(prJob(), {
      outcome: 'pushed',
      runId: RUN_ID,
      message: 'Guarded it.',
      branch: 'feature/login',
      state: state({ status: 'finished', finishMessage: 'thread 701: Guarded the handler.' }),
      flagged: [{ path: '.envrc', change: 'added', rule: 'shell-environment', reason: 'runs on cd' }],
      followUps: [],
    });
    expect(threads.isDone()).toBe(true);
    for (const body of [bodies[0], replies[0]]) {
      expect(body).toContain(FLAGGED_CHANGES_HEADING);
      expect(body).toContain('- `.envrc` (added): runs on cd');
    }
    expect(replies[0]).toContain('Guarded the handler.');
  });

  it('report of a failure: the short message and the run id, no stack trace', async () => {
    mockNewTrackingComment();
    const bodies = mockEdits(1);
    const github = adapter();
    await github.startTracking(issueJob(), RUN_ID);
    await github.report(issueJob(), {
      outcome: 'failed',
      runId: RUN_ID,
      message: `An internal error stopped this run at step “run-agent”. Run id: ${RUN_ID}; details are in the worker’s logs.`,
      failedStep: 'run-agent',
      state: state({
        status: 'error',
        error: { code: 'InternalError', detail: 'TypeError: x\n    at f (a.ts:1)' },
      }),
      followUps: [],
    });
    expect(bodies[0]).toContain(`Run \`${RUN_ID}\``);
    expect(bodies[0]).toContain('❌ An internal error stopped this run');
    expect(bodies[0]).not.toMatch(/\n\s+at /);
    expect(bodies[0]).not.toContain('TypeError');
  });

  it('report of a run that failed before tracking started posts its one marked comment', async () => {
    mockNewTrackingComment();
    const bodies = mockEdits(1);
    await adapter().report(issueJob(), {
      outcome: 'failed',
      runId: RUN_ID,
      message: `A temporary problem (gather-task) persisted after several attempts. Run id: ${RUN_ID}.`,
      failedStep: 'gather-task',
      followUps: [],
    });
    expect(bodies[0]).toContain('A temporary problem (gather-task) persisted');
  });

  it('report of a cancelled run says who stopped it', async () => {
    mockNewTrackingComment();
    const bodies = mockEdits(1);
    const github = adapter();
    await github.startTracking(issueJob(), RUN_ID);
    await github.report(issueJob(), {
      outcome: 'cancelled',
      runId: RUN_ID,
      message: 'Stopped: stopped by @alice.',
      state: state({ status: 'error', error: { code: 'Cancelled', detail: 'stopped' } }),
      followUps: [],
    });
    expect(bodies[0]).toContain('⏹️ handsbot was stopped');
    expect(bodies[0]).toContain('Stopped: stopped by');
  });
});

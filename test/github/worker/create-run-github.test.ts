import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { PermanentJobError } from '../../../jobs/job-errors.js';
import type { RunJobData } from '../../../jobs/run-job-context.js';
import type { RunGitHub } from '../../../jobs/run-ports.js';
import { API, mockRepoConfig, OWNER, REPO, useNock } from '../support/github-test-kit.js';
import { runLog, runStarted } from '../support/run-events.js';
import {
  adapter,
  branchRef,
  COMMENTS,
  covered,
  issueJob,
  mockIssue,
  mockPullRequest,
  mockRepoAndPermission,
  prJob,
  RUN_ID,
  state,
  TRIGGERED_AT,
} from './run-github-fixtures.js';

const signal = new AbortController().signal;
const BRANCH = 'openhands/issue-12-login-button-broken';

describe('createRunGitHub().loadTask', () => {
  useNock();

  it('gives a permitted sender a task: fenced prompt, a new issue branch and its push policy', async () => {
    mockRepoAndPermission('write');
    mockIssue();
    const refs = nock(API).get(branchRef(BRANCH)).reply(404, { message: 'Not Found' });
    const task = await adapter().loadTask(issueJob(), RUN_ID, signal);
    expect(task).toMatchObject({
      kind: 'issue',
      number: 12,
      title: 'Login button broken',
      checkoutRef: null,
      defaultBranch: 'main',
      pushBranch: BRANCH,
      branchPolicy: { allowedPrefixes: ['openhands/'], protectedBranches: ['main'] },
      fromFork: false,
      draft: true,
      allowWorkflowChanges: false,
    });
    expect(task.prompt).toContain('asked handsbot to resolve issue #12');
    expect(task.prompt).toContain('Clicking login does nothing.');
    expect(refs.isDone()).toBe(true);
  });

  it('a retry of the same run keeps the branch its first attempt recorded, even though it now exists', async () => {
    mockRepoAndPermission('write');
    mockIssue();
    const { events, add } = runLog(RUN_ID);
    const started = runStarted();
    add({ ...started, settings: { ...started.settings, labels: { branch: BRANCH } } });
    // No git/ref lookup: chooseBranchName would find the branch taken and pick `-try2`.
    const task = await adapter({ events: { [RUN_ID]: events } }).loadTask(issueJob(), RUN_ID, signal);
    expect(task.pushBranch).toBe(BRANCH);
  });

  it('a sender without write permission gets one reply, nothing runs, and the report adds nothing', async () => {
    mockRepoAndPermission('read');
    let replies = 0;
    nock(API)
      .get(COMMENTS)
      .query(true)
      .reply(200, [])
      .post(COMMENTS, (body: { body: string }) => {
        replies++;
        return body.body.includes('@alice only people with write, maintain or admin permission');
      })
      .reply(201, { id: 1 });
    const github = adapter();
    await refusal(github, issueJob());
    await github.report(issueJob(), {
      outcome: 'failed',
      runId: RUN_ID,
      message: 'You may not trigger handsbot here.',
      failedStep: 'gather-task',
      followUps: [],
    });
    expect(replies).toBe(1);
  });

  it('carries the repository’s own run settings from .github/openhands.yml into the task', async () => {
    const yml =
      'maxIterations: 5\nmaxCostUsd: 0.5\nnetwork:\n  mode: allowlist\n  hosts: [example.org]\nconfirmation:\n  kind: always\n';
    mockRepoConfig(yml);
    nock(API)
      .get(`/repos/${OWNER}/${REPO}/collaborators/alice/permission`)
      .reply(200, { permission: 'write', role_name: 'write', user: { login: 'alice', type: 'User' } });
    mockIssue();
    nock(API).get(branchRef(BRANCH)).reply(404, { message: 'Not Found' });
    const task = await adapter().loadTask(issueJob(), RUN_ID, signal);
    expect(task.repoSettings).toMatchObject({
      maxIterations: 5,
      maxCostUsd: 0.5,
      network: { mode: 'allowlist', hosts: ['example.org'] },
      confirmation: { kind: 'always' },
    });
  });

  it('a .github/openhands.yml that sets one key leaves every other to the installation and the worker', async () => {
    mockRepoConfig('maxIterations: 5\n');
    nock(API)
      .get(`/repos/${OWNER}/${REPO}/collaborators/alice/permission`)
      .reply(200, { permission: 'write', role_name: 'write', user: { login: 'alice', type: 'User' } });
    mockIssue();
    nock(API).get(branchRef('bot/issue-12-login-button-broken')).reply(404, { message: 'Not Found' });
    const github = adapter({ defaults: { triggerLabel: 'ai-fix', draft: false, branchPrefix: 'bot/' } });
    // The installation's label starts the run: the file does not name one.
    const job = issueJob({ trigger: { kind: 'issue_labeled', issueNumber: 12, label: 'ai-fix' } });
    const task = await github.loadTask(job, RUN_ID, signal);
    expect(task).toMatchObject({
      draft: false,
      pushBranch: 'bot/issue-12-login-button-broken',
      branchPolicy: { allowedPrefixes: ['bot/'], protectedBranches: ['main'] },
    });
    // Network, confirmation and setup script stay the worker's: only the key the file sets is carried.
    expect(task.repoSettings).toEqual({ maxIterations: 5 });
  });

  it('on that repository the schema’s default label is just another label: nothing starts, nothing is said', async () => {
    mockRepoConfig('maxIterations: 5\n');
    const error = await refusal(adapter({ defaults: { triggerLabel: 'ai-fix' } }), issueJob());
    expect(error.userMessage).toBe('');
  });

  it('leaves the worker’s settings in force when the repository has no .github/openhands.yml', async () => {
    mockRepoAndPermission('write');
    mockIssue();
    nock(API).get(branchRef(BRANCH)).reply(404, { message: 'Not Found' });
    const task = await adapter().loadTask(issueJob(), RUN_ID, signal);
    expect(task.repoSettings).toBeUndefined();
  });

  it('a review on someone else’s pull request starts nothing and says nothing', async () => {
    mockRepoConfig();
    nock(API)
      .get(`/repos/${OWNER}/${REPO}/pulls/12`)
      .reply(200, { number: 12, user: { login: 'alice', type: 'User' }, head: { ref: 'openhands/feature' } });
    const review = issueJob({ trigger: { kind: 'pr_review', prNumber: 12, reviewId: 900 } });
    const error = await refusal(adapter(), review);
    expect(error.userMessage).toBe('');
  });

  it('a review on handsbot’s own pull request goes on to the permission check and the task', async () => {
    mockRepoConfig();
    nock(API)
      .get(`/repos/${OWNER}/${REPO}/pulls/12`)
      .reply(200, {
        number: 12,
        user: { login: 'handsbot[bot]', type: 'Bot' },
        head: { ref: 'openhands/issue-3-x' },
      })
      .get(`/repos/${OWNER}/${REPO}/collaborators/alice/permission`)
      .reply(200, { permission: 'write', role_name: 'write', user: { login: 'alice', type: 'User' } });
    mockPullRequest(false);
    const review = issueJob({ trigger: { kind: 'pr_review', prNumber: 12, reviewId: 900 } });
    const task = await adapter().loadTask(review, RUN_ID, signal);
    expect(task).toMatchObject({ kind: 'pull_request', pushBranch: 'feature/login' });
  });

  it('a bad .github/openhands.yml gets a comment naming the wrong key, marked with the run, and nothing runs', async () => {
    mockRepoConfig('maxIteration: 5\n');
    let comment = '';
    nock(API)
      .get(COMMENTS)
      .query({ since: TRIGGERED_AT, per_page: '100' })
      .reply(200, [])
      .post(COMMENTS, (body: { body: string }) => {
        comment = body.body;
        return true;
      })
      .reply(201, { id: 2 });
    await refusal(adapter(), issueJob());
    expect(comment.split('\n')[0]).toBe(`<!-- handsbot:config=${RUN_ID} -->`);
    expect(comment).toContain('.github/openhands.yml');
    expect(comment).toContain('maxIteration');
  });

  it('a new trigger on a still-bad .github/openhands.yml gets its own comment: the earlier run’s does not count', async () => {
    mockRepoConfig('maxIteration: 5\n');
    const earlier = `<!-- handsbot:config=${RUN_ID} -->\n⚠️ an earlier problem`;
    let comment = '';
    nock(API)
      .get(COMMENTS)
      .query(true)
      .reply(200, [{ id: 2, user: { login: 'handsbot[bot]', type: 'Bot' }, body: earlier }])
      .post(COMMENTS, (body: { body: string }) => {
        comment = body.body;
        return true;
      })
      .reply(201, { id: 3 });
    await refusal(adapter(), issueJob({ deliveryId: 'd-2' }), 'run-42-12-delivery-d-2');
    expect(comment).toContain('<!-- handsbot:config=run-42-12-delivery-d-2 -->');
  });

  it('with a bad .github/openhands.yml, a label that could not be the trigger gets no comment and runs nothing', async () => {
    mockRepoConfig('maxIteration: 5\n');
    // No comment list, no POST: nock refuses any request not mocked here.
    const job = issueJob({ trigger: { kind: 'issue_labeled', issueNumber: 12, label: 'bug' } });
    const error = await refusal(adapter(), job);
    expect(error.userMessage).toBe('');
  });

  it('a bad .github/openhands.yml that sets `triggerLabel: fix-me` tells that label, and ignores the installation’s', async () => {
    const yml = 'triggerLabel: fix-me\nmaxIteration: 5\n';
    mockRepoConfig(yml);
    const posted = nock(API).get(COMMENTS).query(true).reply(200, []).post(COMMENTS).reply(201, { id: 2 });
    const fixMe = issueJob({ trigger: { kind: 'issue_labeled', issueNumber: 12, label: 'Fix-Me' } });
    const told = await refusal(adapter(), fixMe);
    expect(told.userMessage).toBe('The repository’s .github/openhands.yml is not valid.');
    expect(posted.isDone()).toBe(true);

    mockRepoConfig(yml);
    const ignored = await refusal(adapter(), issueJob(), 'run-42-12-delivery-d-2');
    expect(ignored.userMessage).toBe('');
  });

  it('a bad .github/openhands.yml that sets `branchPrefix: bot/` tells reviews on handsbot’s bot/ PRs only', async () => {
    const yml = 'branchPrefix: bot/\nmaxIteration: 5\n';
    const review = issueJob({ trigger: { kind: 'pr_review', prNumber: 12, reviewId: 900 } });
    mockRepoConfig(yml);
    nock(API)
      .get(`/repos/${OWNER}/${REPO}/pulls/12`)
      .reply(200, {
        number: 12,
        user: { login: 'handsbot[bot]', type: 'Bot' },
        head: { ref: 'bot/issue-3-x' },
      });
    const posted = nock(API).get(COMMENTS).query(true).reply(200, []).post(COMMENTS).reply(201, { id: 2 });
    const told = await refusal(adapter(), review);
    expect(told.userMessage).toBe('The repository’s .github/openhands.yml is not valid.');
    expect(posted.isDone()).toBe(true);

    // The default prefix is just another branch name where the file chose its own.
    mockRepoConfig(yml);
    nock(API)
      .get(`/repos/${OWNER}/${REPO}/pulls/12`)
      .reply(200, {
        number: 12,
        user: { login: 'handsbot[bot]', type: 'Bot' },
        head: { ref: 'openhands/issue-3-x' },
      });
    const ignored = await refusal(adapter(), review, 'run-42-12-delivery-d-2');
    expect(ignored.userMessage).toBe('');
  });

  it('a bad .github/openhands.yml whose branchPrefix is bad too falls back to the installation’s prefix', async () => {
    mockRepoConfig('branchPrefix: "a..b/"\n');
    nock(API)
      .get(`/repos/${OWNER}/${REPO}/pulls/12`)
      .reply(200, {
        number: 12,
        user: { login: 'handsbot[bot]', type: 'Bot' },
        head: { ref: 'ai/issue-3-x' },
      });
    const posted = nock(API).get(COMMENTS).query(true).reply(200, []).post(COMMENTS).reply(201, { id: 2 });
    const review = issueJob({ trigger: { kind: 'pr_review', prNumber: 12, reviewId: 900 } });
    const told = await refusal(
      adapter({ defaults: { triggerLabel: 'openhands', branchPrefix: 'ai/' } }),
      review,
    );
    expect(told.userMessage).toBe('The repository’s .github/openhands.yml is not valid.');
    expect(posted.isDone()).toBe(true);
  });

  it('someone pasting the marker into their own comment does not silence the config comment', async () => {
    mockRepoConfig('maxIteration: 5\n');
    const planted = `<!-- handsbot:config=${RUN_ID} -->`;
    const posted = nock(API)
      .get(COMMENTS)
      .query(true)
      .reply(200, [{ id: 2, user: { login: 'mallory', type: 'User' }, body: planted }])
      .post(COMMENTS)
      .reply(201, { id: 3 });
    await refusal(adapter(), issueJob());
    expect(posted.isDone()).toBe(true);
  });

  it('a label other than the repository’s trigger label is ignored without a word', async () => {
    mockRepoConfig();
    const job = issueJob({ trigger: { kind: 'issue_labeled', issueNumber: 12, label: 'bug' } });
    await refusal(adapter(), job);
  });

  it('a repository whose .github/openhands.yml sets `triggerLabel: fix-me` gets a run for that label', async () => {
    mockRepoConfig('triggerLabel: fix-me\n');
    nock(API)
      .get(`/repos/${OWNER}/${REPO}/collaborators/alice/permission`)
      .reply(200, { permission: 'write', role_name: 'write', user: { login: 'alice', type: 'User' } });
    mockIssue();
    nock(API).get(branchRef(BRANCH)).reply(404, { message: 'Not Found' });
    const job = issueJob({ trigger: { kind: 'issue_labeled', issueNumber: 12, label: 'Fix-Me' } });
    const task = await adapter().loadTask(job, RUN_ID, signal);
    expect(task).toMatchObject({ kind: 'issue', number: 12, pushBranch: BRANCH });
  });

  it('on that repository the installation default label starts nothing and posts nothing', async () => {
    mockRepoConfig('triggerLabel: fix-me\n');
    // No permission check, no comment: nock refuses any request not mocked here.
    const error = await refusal(adapter(), issueJob());
    expect(error.userMessage).toBe('');
  });

  it('the final report acknowledges a second trigger label but drops another label that came meanwhile', async () => {
    mockRepoConfig('triggerLabel: fix-me\n');
    nock(API)
      .get(`/repos/${OWNER}/${REPO}/collaborators/alice/permission`)
      .reply(200, { permission: 'write', role_name: 'write', user: { login: 'alice', type: 'User' } });
    mockIssue();
    nock(API).get(branchRef(BRANCH)).reply(404, { message: 'Not Found' });
    let body = '';
    nock(API)
      .get(COMMENTS)
      .query(true)
      .reply(200, [])
      .post(`/repos/${OWNER}/${REPO}/issues/12/reactions`)
      .reply(201, { id: 1 })
      .post(COMMENTS)
      .reply(201, { id: 900 })
      .patch(`/repos/${OWNER}/${REPO}/issues/comments/900`, (b: { body: string }) => {
        body = b.body;
        return true;
      })
      .reply(200, { id: 900 });
    const job = issueJob({ trigger: { kind: 'issue_labeled', issueNumber: 12, label: 'fix-me' } });
    const labelled = (login: string, id: number, label: string) =>
      issueJob({
        sender: { login, id },
        deliveryId: `d-${login}`,
        trigger: { kind: 'issue_labeled', issueNumber: 12, label },
      });
    const github = adapter();
    await github.loadTask(job, RUN_ID, signal);
    // The run failed before tracking began: the report posts its one comment, then writes the outcome.
    await github.report(job, {
      outcome: 'failed',
      runId: RUN_ID,
      message: 'The workspace could not be prepared.',
      failedStep: 'prepare-workspace',
      followUps: [covered(labelled('bob', 8, 'bug')), covered(labelled('carol', 9, 'FIX-ME'))],
    });
    expect(body).toContain("`@carol`'s request was noted");
    expect(body).not.toContain('@bob');
  });

  it('keeps what it read under the run id it is given, not one derived from the trigger: the PR is based on that default branch', async () => {
    // A trigger run in a skipped job's place runs under that job's id, not the one its data implies.
    const runId = 'run-42-12-delivery-skipped-job';
    nock(API)
      .get(`/repos/${OWNER}/${REPO}`)
      .reply(200, { default_branch: 'trunk' })
      .get(`/repos/${OWNER}/${REPO}/contents/.github%2Fopenhands.yml`)
      .query({ ref: 'trunk' })
      .reply(404, { message: 'Not Found' })
      .get(`/repos/${OWNER}/${REPO}/collaborators/alice/permission`)
      .reply(200, { permission: 'write', role_name: 'write', user: { login: 'alice', type: 'User' } })
      .get(branchRef(BRANCH))
      .reply(404, { message: 'Not Found' });
    mockIssue();
    // No second read of the repository: the base comes from what loadTask read for this run.
    const created = nock(API)
      .get(`/repos/${OWNER}/${REPO}/pulls`)
      .query({ state: 'open', head: `${OWNER}:${BRANCH}` })
      .reply(200, [])
      .get(/\/contents\/.*(pull_request_template|PULL_REQUEST_TEMPLATE)\.md$/)
      .query({ ref: 'trunk' })
      .times(6)
      .reply(404, { message: 'Not Found' })
      .post(`/repos/${OWNER}/${REPO}/pulls`, (b: { base: string; head: string }) => b.base === 'trunk')
      .reply(201, { number: 40, html_url: `https://github.com/${OWNER}/${REPO}/pull/40`, draft: true })
      .post(`/repos/${OWNER}/${REPO}/pulls/40/requested_reviewers`)
      .reply(201, {});
    const github = adapter();
    const job = issueJob({ deliveryId: 'd-follow-up' });
    const task = await github.loadTask(job, runId, signal);
    const pr = await github.openPullRequest({
      data: job,
      task,
      branch: BRANCH,
      state: { ...state({ finishMessage: 'Fixed.' }), runId },
      flagged: [],
    });
    expect(pr.number).toBe(40);
    expect(created.isDone()).toBe(true);
  });

  it('PR work checks out and pushes to the PR head; a fork PR is flagged', async () => {
    mockRepoAndPermission('write');
    mockPullRequest(true);
    const task = await adapter().loadTask(prJob(), RUN_ID, signal);
    expect(task).toMatchObject({
      kind: 'pull_request',
      checkoutRef: 'feature/login',
      pushBranch: 'feature/login',
      fromFork: true,
      branchPolicy: { allowedPrefixes: [], protectedBranches: ['main'] },
    });
    expect(task.prompt).toContain('thread 701');
    expect(task.prompt).toContain('No check failed on the head commit 0123456789ab: 1 finished');
  });

  it('a 502 from GitHub is a transient failure (retried), not an internal error', async () => {
    nock(API).get(`/repos/${OWNER}/${REPO}`).reply(502, { message: 'Bad Gateway' });
    const error = await adapter()
      .loadTask(issueJob(), RUN_ID, signal)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TransientJobError' });
  });
});

/** What `loadTask` refused `job` with: a PermanentJobError, or the test fails. */
async function refusal(github: RunGitHub, job: RunJobData, runId = RUN_ID): Promise<PermanentJobError> {
  const error = await github.loadTask(job, runId, signal).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PermanentJobError);
  return error as PermanentJobError;
}

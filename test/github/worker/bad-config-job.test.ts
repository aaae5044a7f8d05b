import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRunJobProcessor } from '../../../jobs/process-run-job.js';
import { startRunWorker } from '../../../jobs/run-worker.js';
import { loadConfig } from '../../../src/config/index.js';
import { createInMemoryEventStore } from '../../../src/events/in-memory-event-store.js';
import { createQueueFixture, quietLogger, waitFor } from '../../jobs/support.js';
import { API, mockRepoConfig, OWNER, REPO, useNock } from '../support/github-test-kit.js';
import { adapter, COMMENTS, issueJob } from './run-github-fixtures.js';

/**
 * The comment naming what is wrong with `.github/openhands.yml`, through a real worker on a real
 * Redis with the real GitHub adapter against nock (which refuses any request not mocked here).
 */

let fx: Awaited<ReturnType<typeof createQueueFixture>>;

beforeEach(async () => {
  fx = await createQueueFixture({ attempts: 2 });
});

afterEach(async () => {
  await fx.cleanup();
});

const BAD_CONFIG = 'maxIteration: 5\n';

/** A real worker with the real GitHub adapter, whose workspace refuses: nothing may run here. */
async function startWorker() {
  const processor = createRunJobProcessor({
    config: loadConfig({}),
    store: createInMemoryEventStore(),
    ports: {
      github: adapter(),
      workspaces: {
        prepare: async () => {
          throw new Error('nothing may run on a repository with an invalid config');
        },
      },
    },
    identity: { name: 'handsbot[bot]', email: '1+handsbot[bot]@users.noreply.github.com' },
  });
  const handle = await startRunWorker({
    connection: fx.redis,
    prefix: fx.prefix,
    queue: fx.queue,
    processor,
    logger: quietLogger,
  });
  fx.onCleanup(() => handle.close());
}

/** Pull request #12 as GitHub shows it: its author and the branch it comes from. */
function mockPullRequest(user: { login: string; type: 'User' | 'Bot' }, headRef: string) {
  return nock(API)
    .get(`/repos/${OWNER}/${REPO}/pulls/12`)
    .reply(200, { number: 12, user, head: { ref: headRef } });
}

const REVIEW = issueJob({ trigger: { kind: 'pr_review', prNumber: 12, reviewId: 900 } });

describe('a run job on a repository whose .github/openhands.yml is invalid', () => {
  useNock();

  it('a retried job posts one comment: the retry finds the first attempt’s and posts nothing', async () => {
    // First attempt: GitHub creates the comment but the answer is lost (a 502), so the job retries.
    const posted: string[] = [];
    mockRepoConfig(BAD_CONFIG);
    nock(API)
      .get(COMMENTS)
      .query(true)
      .reply(200, [])
      .post(COMMENTS, (body: { body: string }) => posted.push(body.body) > 0)
      .reply(502, { message: 'Bad Gateway' });
    // Second attempt: the comment is there. A second POST would find no mock and fail the test.
    mockRepoConfig(BAD_CONFIG);
    const listed = nock(API)
      .get(COMMENTS)
      .query(true)
      .reply(200, () => [{ id: 5, user: { login: 'handsbot[bot]', type: 'Bot' }, body: posted[0] }]);

    await startWorker();

    const { jobId } = await fx.queue.enqueue(issueJob());
    await waitFor(async () => (await fx.queue.runs.getJobState(jobId)) === 'failed', {
      what: 'the job to fail for good',
    });
    const job = await fx.queue.runs.getJob(jobId);
    expect(job?.attemptsMade).toBe(2);
    expect(listed.isDone()).toBe(true);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toContain(`<!-- handsbot:config=${jobId} -->`);
    expect(posted[0]).toContain('`maxIteration`');
  });

  it('a label that could not be the trigger ends as skipped: no comment, nothing runs', async () => {
    // Only the repository and its file are read: a comment (or its lookup) would find no mock.
    mockRepoConfig(BAD_CONFIG);
    await startWorker();

    const { jobId } = await fx.queue.enqueue(
      issueJob({ trigger: { kind: 'issue_labeled', issueNumber: 12, label: 'bug' } }),
    );
    await waitFor(async () => (await fx.queue.runs.getJobState(jobId)) === 'completed', {
      what: 'the job to complete',
    });
    const job = await fx.queue.runs.getJob(jobId);
    expect(job?.returnvalue).toMatchObject({ outcome: 'skipped' });
    expect(job?.attemptsMade).toBe(1);
  });
  it('a review on someone else’s pull request ends as skipped: no comment, no reaction, nothing runs', async () => {
    // Repository, file, the PR: nothing else. A comment, its lookup or a reaction would find no mock.
    mockRepoConfig(BAD_CONFIG);
    const pr = mockPullRequest({ login: 'alice', type: 'User' }, 'openhands/feature');
    await startWorker();

    const { jobId } = await fx.queue.enqueue(REVIEW);
    await waitFor(async () => (await fx.queue.runs.getJobState(jobId)) === 'completed', {
      what: 'the job to complete',
    });
    const job = await fx.queue.runs.getJob(jobId);
    expect(job?.returnvalue).toMatchObject({ outcome: 'skipped' });
    expect(job?.attemptsMade).toBe(1);
    expect(pr.isDone()).toBe(true);
  });

  it('a review on a pull request handsbot opened gets the one config comment, and nothing runs', async () => {
    mockRepoConfig(BAD_CONFIG);
    mockPullRequest({ login: 'handsbot[bot]', type: 'Bot' }, 'openhands/issue-3-fix-login');
    const posted: string[] = [];
    nock(API)
      .get(COMMENTS)
      .query(true)
      .reply(200, [])
      .post(COMMENTS, (body: { body: string }) => posted.push(body.body) > 0)
      .reply(201, { id: 5 });
    await startWorker();

    const { jobId } = await fx.queue.enqueue(REVIEW);
    await waitFor(async () => (await fx.queue.runs.getJobState(jobId)) === 'failed', {
      what: 'the job to fail for good',
    });
    const job = await fx.queue.runs.getJob(jobId);
    expect(job?.attemptsMade).toBe(1); // a broken file is not retried
    expect(posted).toHaveLength(1);
    expect(posted[0]).toContain(`<!-- handsbot:config=${jobId} -->`);
    expect(posted[0]).toContain('`maxIteration`');
  });
});

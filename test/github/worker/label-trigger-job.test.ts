import nock from 'nock';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobData } from '../../../jobs/job-data.js';
import { PermanentJobError } from '../../../jobs/job-errors.js';
import { createRunJobProcessor } from '../../../jobs/process-run-job.js';
import type { RunJobContext, RunJobData } from '../../../jobs/run-job-context.js';
import type { WorkspaceProvider } from '../../../jobs/run-ports.js';
import { startRunWorker } from '../../../jobs/run-worker.js';
import { loadConfig } from '../../../src/config/index.js';
import { createInMemoryEventStore } from '../../../src/events/in-memory-event-store.js';
import { createQueueFixture, waitFor } from '../../jobs/support.js';
import { API, mockRepoConfig, OWNER, REPO, useNock } from '../support/github-test-kit.js';
import {
  adapter,
  branchRef,
  COMMENTS,
  issueJob,
  mockIssue,
  mockRepoAndPermission,
} from './run-github-fixtures.js';

/**
 * Every label reaches the queue (the web side cannot read a repository's own trigger label), so a
 * label that is not one must end its job without a sound: through a real worker on a real Redis,
 * with the real GitHub adapter against nock, which refuses any request not mocked here.
 */

let fx: Awaited<ReturnType<typeof createQueueFixture>>;
let logs: Array<{ level: number; msg: string }>;

beforeEach(async () => {
  fx = await createQueueFixture({ attempts: 2 });
  logs = [];
});

afterEach(async () => {
  await fx.cleanup();
});

describe('a run job for a label that is not the repository’s trigger label', () => {
  useNock();

  it('ends as skipped: no reaction, no comment, no retry, nothing logged above info', async () => {
    // The only calls allowed: reading the repository and finding it has no .github/openhands.yml.
    mockRepoConfig();
    const workspaces: WorkspaceProvider = {
      prepare: async () => {
        throw new Error('a skipped run must not prepare a workspace');
      },
    };
    const logger = pino({ level: 'debug' }, { write: (line: string) => logs.push(JSON.parse(line)) });
    const processor = createRunJobProcessor({
      config: loadConfig({}),
      store: createInMemoryEventStore(),
      ports: { github: adapter(), workspaces },
      identity: { name: 'handsbot[bot]', email: '1+handsbot[bot]@users.noreply.github.com' },
    });
    const handle = await startRunWorker({
      connection: fx.redis,
      prefix: fx.prefix,
      queue: fx.queue,
      processor,
      logger,
    });
    fx.onCleanup(() => handle.close());

    const data = issueJob({ trigger: { kind: 'issue_labeled', issueNumber: 12, label: 'bug' } });
    const { jobId, status } = await fx.queue.enqueue(data);
    expect(status).toBe('queued');
    await waitFor(async () => (await fx.queue.runs.getJobState(jobId)) === 'completed', {
      what: 'the job to complete',
    });
    const job = await fx.queue.runs.getJob(jobId);
    expect(job?.returnvalue).toMatchObject({ outcome: 'skipped' });
    expect(job?.attemptsMade).toBe(1); // one attempt: completed, neither failed nor retried
    // pino: 40 is warn. The skip is logged once, at info.
    expect(logs.filter((line) => line.level >= 40)).toEqual([]);
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 30, msg: 'run skipped: not a trigger here' }),
    );
    // The target is free again: the next label starts a job of its own, not a follow-up.
    const next = await fx.queue.enqueue({ ...data, deliveryId: 'd-2' });
    expect(next.status).toBe('queued');
  });
});

describe('a trigger that arrived while a skipped label job held the issue', () => {
  useNock();

  it('runs in the skipped job’s place instead of being lost (labels put on together)', async () => {
    // First round, the `bug` job: repository and no config, then skipped.
    mockRepoConfig();
    // Second round, the `openhands` follow-up by someone without write access: it gets its reply.
    mockRepoAndPermission('read');
    let replies = 0;
    nock(API)
      .get(COMMENTS)
      .query(true)
      .reply(200, [])
      .post(COMMENTS, () => {
        replies++;
        return true;
      })
      .reply(201, { id: 7 });
    const processor = createRunJobProcessor({
      config: loadConfig({}),
      store: createInMemoryEventStore(),
      ports: {
        github: adapter(),
        workspaces: {
          prepare: async () => {
            throw new Error('no workspace: the follow-up is refused at the permission check');
          },
        },
      },
      identity: { name: 'handsbot[bot]', email: '1+handsbot[bot]@users.noreply.github.com' },
    });
    const bug = issueJob({ trigger: { kind: 'issue_labeled', issueNumber: 12, label: 'bug' } });
    const openhands = issueJob({
      deliveryId: 'd-2',
      trigger: { kind: 'issue_labeled', issueNumber: 12, label: 'openhands' },
    });
    const followUps = [openhands];
    const outcome = await processor(
      jobContext({ jobId: 'job-1', runId: 'run-label-race' }, bug, followUps),
    ).catch((error: unknown) => error);
    expect(replies).toBe(1);
    expect(outcome).toMatchObject({ name: 'PermanentJobError' });
  });

  it('is tracked and reported under the skipped job’s run id, with what its own task load read', async () => {
    const RUN = 'run-label-race';
    const config = 'triggerLabel: fix-me\n';
    // Both rounds read the repository (default branch `trunk`) and its `.github/openhands.yml`.
    nock(API)
      .get(`/repos/${OWNER}/${REPO}`)
      .times(2)
      .reply(200, { default_branch: 'trunk' })
      .get(`/repos/${OWNER}/${REPO}/contents/.github%2Fopenhands.yml`)
      .query({ ref: 'trunk' })
      .times(2)
      .reply(200, {
        type: 'file',
        encoding: 'base64',
        size: config.length,
        content: Buffer.from(config).toString('base64'),
      });
    // The `fix-me` round: permission, the issue, a free branch name, then one tracking comment.
    mockIssue();
    const posted: string[] = [];
    const edits: string[] = [];
    nock(API)
      .get(`/repos/${OWNER}/${REPO}/collaborators/alice/permission`)
      .reply(200, { permission: 'write', role_name: 'write', user: { login: 'alice', type: 'User' } })
      .get(branchRef('openhands/issue-12-login-button-broken'))
      .reply(404, { message: 'Not Found' })
      .post(`/repos/${OWNER}/${REPO}/issues/12/reactions`)
      .reply(201, { id: 1 })
      .get(COMMENTS)
      .query(true)
      .reply(200, [])
      .post(COMMENTS, (b: { body: string }) => posted.push(b.body) > 0)
      .reply(201, { id: 900 })
      .patch(`/repos/${OWNER}/${REPO}/issues/comments/900`, (b: { body: string }) => edits.push(b.body) > 0)
      .times(2)
      .reply(200, { id: 900 });
    const processor = createRunJobProcessor({
      config: loadConfig({}),
      store: createInMemoryEventStore(),
      ports: {
        github: adapter(),
        workspaces: {
          prepare: async ({ runId, task }) => {
            expect(runId).toBe(RUN);
            expect(task.defaultBranch).toBe('trunk');
            throw new PermanentJobError('no disk left', 'The workspace could not be prepared.');
          },
        },
      },
      identity: { name: 'handsbot[bot]', email: '1+handsbot[bot]@users.noreply.github.com' },
    });
    const labelled = (login: string, id: number, label: string) =>
      issueJob({
        sender: { login, id },
        deliveryId: `d-${login}`,
        trigger: { kind: 'issue_labeled', issueNumber: 12, label },
      });
    // alice's `fix-me` runs in the `bug` job's place; carol's is acknowledged; bob's `openhands` is
    // another label on this repository, so it is not.
    const followUps = [
      labelled('alice', 7, 'fix-me'),
      labelled('carol', 9, 'FIX-ME'),
      labelled('bob', 8, 'openhands'),
    ];
    const outcome = await processor(
      jobContext({ jobId: RUN, runId: RUN }, labelled('dave', 10, 'bug'), followUps),
    ).catch((error: unknown) => error);

    expect(outcome).toMatchObject({ name: 'PermanentJobError' });
    expect(posted).toHaveLength(1);
    expect(posted[0]).toContain(`handsbot:run=${RUN} `);
    const report = edits.find((body) => body.includes('The workspace could not be prepared.'));
    expect(report).toBeDefined();
    expect(report).toContain(`handsbot:run=${RUN} `);
    // The report rendered with the record the task load made: the repository's trigger label.
    expect(report).toContain("`@carol`'s request was noted");
    expect(report).not.toContain('@bob');
  });
});

/**
 * A run job's context as the worker gives it, for a job that is never stopped or drained, with its
 * follow-ups held in `followUps` (taken from as the job takes them).
 */
function jobContext(
  ids: { jobId: string; runId: string },
  data: RunJobData,
  followUps: JobData[],
): RunJobContext {
  const never = new AbortController().signal;
  return {
    ...ids,
    data,
    attempt: 1,
    maxAttempts: 1,
    resume: false,
    stalled: false,
    signal: never,
    drain: never,
    logger: pino({ level: 'silent' }),
    reportProgress: async () => {},
    waitForDecision: () => new Promise(() => {}),
    pendingFollowUps: async () => [...followUps],
    takeNextFollowUp: async () => followUps.shift() ?? null,
    settleFollowUps: async (judged) => {
      followUps.splice(0, judged.length);
    },
  };
}

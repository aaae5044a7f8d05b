import nock from 'nock';
import { pino } from 'pino';
import type { FollowUpFate, JudgedFollowUp } from '../../../jobs/follow-up-fate.js';
import type { JobData } from '../../../jobs/job-data.js';
import type { RunJobData } from '../../../jobs/run-job-context.js';
import { initialRunState, type RunState } from '../../../src/agent/run-state.js';
import type { RunEvent } from '../../../src/events/event.js';
import type { Scheduler } from '../../../src/github/ops/index.js';
import type { InstallationDefaults } from '../../../src/github/repo-config/resolve-repo-settings.js';
import { createRunGitHub } from '../../../src/github/worker/create-run-github.js';
import {
  API,
  BOT_LOGIN,
  graphql,
  mockRepoConfig,
  OWNER,
  REPO,
  redact,
  testOctokit,
} from '../support/github-test-kit.js';

export const TRIGGERED_AT = '2026-03-01T12:00:00Z';
export const RUN_ID = 'run-42-12-delivery-d-1';
export const COMMENTS = `/repos/${OWNER}/${REPO}/issues/12/comments`;

export function issueJob(overrides: Partial<RunJobData> = {}): RunJobData {
  return {
    type: 'run',
    installationId: 1,
    repository: { id: 42, owner: OWNER, name: REPO },
    sender: { login: 'alice', id: 7 },
    deliveryId: 'd-1',
    triggeredAt: TRIGGERED_AT,
    number: 12,
    trigger: { kind: 'issue_labeled', issueNumber: 12, label: 'openhands' },
    ...overrides,
  };
}

export function prJob(): RunJobData {
  return issueJob({ trigger: { kind: 'pr_command', prNumber: 12, commentId: 600, instructions: 'fix it' } });
}

/** A scheduler whose clock only moves when the test says so. */
/** A follow-up as the pipeline hands it to the port: with its fate (`followUpFate`). */
export function judged(data: JobData, fate: FollowUpFate): JudgedFollowUp {
  return { data, fate };
}

/** A follow-up the run covers: it asked for what the run is doing. */
export function covered(data: JobData): JudgedFollowUp {
  return judged(data, 'covered');
}

export function manualScheduler() {
  let now = 0;
  const timers: { at: number; fn: () => void }[] = [];
  const scheduler: Scheduler = {
    now: () => now,
    setTimer: (fn, ms) => {
      const timer = { at: now + ms, fn };
      timers.push(timer);
      return () => timers.splice(timers.indexOf(timer), 1);
    },
  };
  const advance = (ms: number) => {
    now += ms;
    for (const timer of timers.filter((t) => t.at <= now)) {
      timers.splice(timers.indexOf(timer), 1);
      timer.fn();
    }
  };
  return { scheduler, advance };
}

export function adapter(
  options: {
    events?: Record<string, RunEvent[]>;
    scheduler?: Scheduler;
    defaults?: InstallationDefaults;
  } = {},
) {
  return createRunGitHub({
    octokitFor: async () => testOctokit(),
    installationToken: async () => 'ghs_not_a_real_token_for_tests_000000000',
    readEvents: async (runId) => options.events?.[runId] ?? [],
    config: {
      botLogin: BOT_LOGIN,
      defaults: options.defaults ?? { triggerLabel: 'openhands' },
      allowedHosts: ['github.com'],
      runUrl: (runId) => `https://handsbot.example/runs/${runId}`,
      minEditIntervalMs: 10_000,
      ...(options.scheduler ? { scheduler: options.scheduler } : {}),
    },
    redact,
    logger: pino({ level: 'silent' }),
  });
}

export function state(overrides: Partial<RunState> = {}): RunState {
  return { ...initialRunState(RUN_ID), ...overrides };
}

/** The requests every loadTask makes before it reads the issue: repository, config, permission. */
export function mockRepoAndPermission(permission: 'write' | 'read' = 'write') {
  mockRepoConfig();
  return nock(API)
    .get(`/repos/${OWNER}/${REPO}/collaborators/alice/permission`)
    .reply(200, { permission, role_name: permission, user: { login: 'alice', type: 'User' } });
}

const subjectCommon = {
  title: 'Login button broken',
  body: 'Clicking login does nothing.',
  url: `https://github.com/${OWNER}/${REPO}/issues/12`,
  createdAt: '2026-03-01T09:00:00Z',
  lastEditedAt: null,
  author: { login: 'alice', __typename: 'User' },
  editor: null,
  comments: { totalCount: 0, nodes: [] },
};

export function mockIssue() {
  return graphql('handsbotSubject', {
    repository: { issueOrPullRequest: { __typename: 'Issue', ...subjectCommon } },
  });
}

export const HEAD_SHA = '0123456789abcdef0123456789abcdef01234567';

/** The PR's head commit has one passing check: nothing for the agent to fix in CI. */
export function mockPullRequest(fromFork: boolean) {
  nock(API)
    .get(`/repos/${OWNER}/${REPO}/commits/${HEAD_SHA}/check-runs`)
    .query({ filter: 'latest', per_page: '100' })
    .reply(200, {
      total_count: 1,
      check_runs: [
        {
          name: 'test',
          status: 'completed',
          conclusion: 'success',
          completed_at: '2026-03-01T11:00:00Z',
          details_url: null,
          output: { title: null, summary: null, text: null },
        },
      ],
    });
  graphql('handsbotSubject', {
    repository: {
      issueOrPullRequest: {
        __typename: 'PullRequest',
        ...subjectCommon,
        headRefName: 'feature/login',
        headRefOid: HEAD_SHA,
        baseRefName: 'main',
        isCrossRepository: fromFork,
        reviews: { totalCount: 0, nodes: [] },
      },
    },
  });
  return graphql('handsbotThreads', {
    repository: {
      pullRequest: {
        reviewThreads: {
          pageInfo: { hasNextPage: false, endCursor: null },
          nodes: [
            {
              id: 'T1',
              isResolved: false,
              isOutdated: false,
              path: 'src/login.ts',
              line: 3,
              comments: {
                totalCount: 1,
                nodes: [
                  {
                    databaseId: 701,
                    author: { login: 'alice', __typename: 'User' },
                    body: 'Guard the handler.',
                    createdAt: '2026-03-01T10:00:00Z',
                    isMinimized: false,
                    url: null,
                  },
                ],
              },
            },
          ],
        },
      },
    },
  });
}

export function branchRef(name: string) {
  return `/repos/${OWNER}/${REPO}/git/ref/${encodeURIComponent(`heads/${name}`)}`;
}

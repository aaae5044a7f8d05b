import { beforeAll, describe, expect, it } from 'vitest';
import type { StandinIssue } from '../github-standin/state.js';
import { lastToolResult } from '../support/scripted-llm/index.js';
import { type AgentScenario, finish, fromTask, runsStarted, terminal } from './support/agent-script.js';
import { BOT, type E2eEnvironment, FULL, git, waitFor } from './support/e2e-environment.js';
import { FIX_ADD } from './support/scenarios.js';
import { useE2eEnvironment } from './support/use-e2e-environment.js';

/** `/agent fix make the error message clearer`: give the assertion a message, check the tests still pass. */
const CLEARER_MESSAGE: AgentScenario = {
  name: 'clearer error message',
  whenTaskContains: 'make the error message clearer',
  steps: [
    terminal(
      `sed -i "s/assert.strictEqual(add(2, 3), 5);/assert.strictEqual(add(2, 3), 5, 'add(2, 3) should be 5');/" test.js`,
    ),
    terminal('node test.js'),
    (request) =>
      finish(
        lastToolResult(request)?.content.includes('all tests passed')
          ? 'The assertion in test.js now says what was expected. node test.js passes.'
          : 'The tests fail.',
      ),
  ],
};

/** A review with two line comments: one edit each, then a reply per thread through the finish message. */
const ADDRESS_REVIEW: AgentScenario = {
  name: 'address review',
  whenTaskContains: 'e2e-review:',
  steps: [
    terminal("sed -i 's/(a, b)/(x, y)/; s/a + b/x + y/' src/math.js"),
    terminal(`printf "assert.strictEqual(add(0, 0), 0);\\n" >> test.js && node test.js`),
    fromTask((task) => {
      const threads = [...task.matchAll(/### Thread (\d+)/g)].map((m) => m[1]);
      const lines = threads.map((id) => `thread ${id}: Done in the follow-up commit.`);
      return finish(['Addressed both review comments.', ...lines].join('\n'));
    }),
  ],
};

let env: E2eEnvironment;
/** handsbot's PR for the buggy `add`, opened in `beforeAll` through the label flow. */
let pull: StandinIssue;

/** The PR branch's commits, newest first. */
const commits = (branch: string) =>
  git(env.gitDir, 'log', '--format=%H %s', branch).then((out) => out.trim().split('\n'));

// A PR's task shows its earlier comments too (the `/agent fix` one): the review scenario goes first.
useE2eEnvironment({ scenarios: [ADDRESS_REVIEW, CLEARER_MESSAGE, FIX_ADD] }, (started) => {
  env = started;
});

beforeAll(async () => {
  const issue = await env.labelIssue({
    title: 'add() subtracts instead of adding',
    body: 'add(2, 3) returns -1.',
  });
  pull = await waitFor(() => env.pulls()[0], { timeoutMs: 120_000, intervalMs: 200, what: 'handsbot’s PR' });
  await env.trackingComment(issue.number, `#${pull.number}`);
}, 240_000);

describe('end to end: follow-ups on handsbot’s pull request', () => {
  it('/agent fix with instructions pushes a new commit to the PR’s branch', async () => {
    const branch = pull.pull?.head ?? '';
    const before = await commits(branch);
    const command = await env.comment(pull.number, '/agent fix make the error message clearer');

    const tracking = await env.trackingComment(pull.number, 'I pushed 1 commit', 120_000);
    const after = await commits(branch);
    expect(after).toHaveLength(before.length + 1);
    expect(after.slice(1)).toEqual(before);
    const diff = await git(env.gitDir, 'diff', `${before[0]?.split(' ')[0]}`, branch);
    expect(diff).toContain("+assert.strictEqual(add(2, 3), 5, 'add(2, 3) should be 5');");
    expect(tracking.body).toContain('node test.js');
    expect(command.reactions.map((r) => [r.content, r.user.login])).toContainEqual(['eyes', BOT]);
    // Still one PR: the fix went to the existing one.
    expect(env.pulls()).toHaveLength(1);
    env.standin.assertNoViolations();
  }, 180_000);

  it('a review with two comments makes one run, one follow-up commit and a reply on each thread', async () => {
    const branch = pull.pull?.head ?? '';
    const before = await commits(branch);
    const review = await env.standin.addReview(FULL, pull.number, {
      user: 'maintainer',
      body: 'Two small things.',
      state: 'CHANGES_REQUESTED',
      comments: [
        { path: 'src/math.js', line: 1, body: 'e2e-review: name the parameters x and y' },
        { path: 'test.js', line: 4, body: 'e2e-review: also test add(0, 0)' },
      ],
    });
    const threads = pull.pull?.reviewComments.filter((c) => c.reviewId === review.id) ?? [];
    expect(threads).toHaveLength(2);
    // GitHub sends the review and each of its comments as deliveries of their own.
    const deliveries = [
      await env.standin.deliver('pull_request_review', 'submitted', {
        repo: FULL,
        number: pull.number,
        review: review.id,
      }),
      ...(await Promise.all(
        threads.map((c) =>
          env.standin.deliver('pull_request_review_comment', 'created', {
            repo: FULL,
            number: pull.number,
            comment: c.id,
          }),
        ),
      )),
    ];
    expect(deliveries.map((d) => d.status)).toEqual([200, 200, 200]);

    // A reply from the app in each thread.
    const replies = await waitFor(
      () => {
        const found = threads.map((t) =>
          pull.pull?.reviewComments.find((c) => c.inReplyTo === t.id && c.user.login === BOT),
        );
        return found.every(Boolean) ? found : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 200, what: 'a reply on each review thread' },
    );
    expect(replies.map((r) => r?.body)).toEqual([
      expect.stringContaining('Done in the follow-up commit.'),
      expect.stringContaining('Done in the follow-up commit.'),
    ]);
    const after = await commits(branch);
    expect(after).toHaveLength(before.length + 1);
    const math = await git(env.gitDir, 'show', `${branch}:src/math.js`);
    expect(math).toContain('return x + y;');

    // One run for the three deliveries: one task sent to the model, one tracking comment for it.
    expect(runsStarted(env.llm.requests, 'e2e-review:')).toBe(1);
    const reviewRuns = env
      .botComments(pull.number)
      .filter((c) => c.body.includes('handsbot:run=') && c.body.includes(`review-${review.id}`));
    expect(reviewRuns).toHaveLength(1);
    env.standin.assertNoViolations();
  }, 180_000);
});

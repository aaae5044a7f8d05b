import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { parseThreadReplies } from '../../../src/github/ops/parse-thread-replies.js';
import {
  FLAGGED_CHANGES_HEADING,
  renderFlaggedChanges,
} from '../../../src/github/ops/render-path-findings.js';
import { replyToReviewThreads } from '../../../src/github/ops/reply-to-review-threads.js';
import { API, BOT_LOGIN, OWNER, REPO, redact, testOctokit, useNock } from '../support/github-test-kit.js';

const COMMENTS = `/repos/${OWNER}/${REPO}/pulls/30/comments`;

describe('parseThreadReplies', () => {
  it('reads "thread <id>: …" lines for threads that were shown, first line per thread', () => {
    const message = [
      'Done.',
      '- thread 70: Added the null check.',
      'thread #71: Renamed the variable.',
      'thread 70: a second line for the same thread',
      'thread 999: a thread that was never shown',
    ].join('\n');
    expect([...parseThreadReplies(message, new Set([70, 71]))]).toEqual([
      [70, 'Added the null check.'],
      [71, 'Renamed the variable.'],
    ]);
  });
});

describe('replyToReviewThreads', () => {
  useNock();

  it('answers each handled thread once; a retried job skips the ones it already answered', async () => {
    const posted: string[] = [];
    const scope = nock(API)
      .get(COMMENTS)
      .query({ per_page: 100 })
      .reply(200, [
        { id: 70, user: { login: 'alice', type: 'User' }, body: 'Null check here.' },
        {
          id: 75,
          in_reply_to_id: 70,
          user: { login: 'handsbot[bot]', type: 'Bot' },
          body: '<!-- handsbot:run=run-1 reply-to=70 -->\nAdded the null check.',
        },
      ])
      .post(`/repos/${OWNER}/${REPO}/pulls/30/comments/71/replies`, (b: { body: string }) => {
        posted.push(b.body);
        return true;
      })
      .reply(201, { id: 76 });
    const result = await replyToReviewThreads(testOctokit(), {
      owner: OWNER,
      repo: REPO,
      pullNumber: 30,
      runId: 'run-1',
      replies: [
        { commentId: 70, text: 'Added the null check.' },
        { commentId: 71, text: 'Renamed it, cc @mallory. Fixes #2' },
      ],
      redact,
      botLogin: BOT_LOGIN,
      allowedHosts: ['github.com'],
    });
    expect(result).toEqual({ posted: [71], alreadyAnswered: [70] });
    expect(posted).toEqual([
      '<!-- handsbot:run=run-1 reply-to=71 -->\nRenamed it, cc `@mallory`. Fixes `#2`',
    ]);
    expect(scope.isDone()).toBe(true);
  });

  it('puts the flagged changes of the push under each reply, after the agent’s text', async () => {
    const posted: string[] = [];
    const scope = nock(API)
      .get(COMMENTS)
      .query({ per_page: 100 })
      .reply(200, [])
      .post(`/repos/${OWNER}/${REPO}/pulls/30/comments/70/replies`, (b: { body: string }) => {
        posted.push(b.body);
        return true;
      })
      .reply(201, { id: 77 });
    const notice = renderFlaggedChanges([
      { path: '.vscode/tasks.json', change: 'added', rule: 'editor-tasks', reason: 'runs on folder open' },
    ]);
    await replyToReviewThreads(testOctokit(), {
      owner: OWNER,
      repo: REPO,
      pullNumber: 30,
      runId: 'run-2',
      allowedHosts: ['github.com'],
      replies: [{ commentId: 70, text: 'Added the null check.' }],
      redact,
      botLogin: BOT_LOGIN,
      ...(notice ? { notice } : {}),
    });
    expect(posted[0]).toBe(
      `<!-- handsbot:run=run-2 reply-to=70 -->\nAdded the null check.\n\n${FLAGGED_CHANGES_HEADING}\n\nThese files run code or set policy outside the change itself (in later handsbot runs, in CI, in an editor, a shell, on install or in git). Read them before merging.\n\n- \`.vscode/tasks.json\` (added): runs on folder open`,
    );
    expect(scope.isDone()).toBe(true);
  });
});

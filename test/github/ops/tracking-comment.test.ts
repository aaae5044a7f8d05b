import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { ensureTrackingComment } from '../../../src/github/ops/tracking-comment/ensure-tracking-comment.js';
import {
  type Scheduler,
  TrackingCommentGoneError,
  TrackingCommentUpdater,
} from '../../../src/github/ops/tracking-comment/tracking-comment-updater.js';
import {
  API,
  BOT_LOGIN,
  OWNER,
  PLANTED_TOKEN,
  REPO,
  redact,
  testOctokit,
  useNock,
} from '../support/github-test-kit.js';

const MARKER = '<!-- handsbot:run=run-1 target=42:12 -->';
const COMMENTS = `/repos/${OWNER}/${REPO}/issues/12/comments`;
const COMMENT = `/repos/${OWNER}/${REPO}/issues/comments/900`;
const TRIGGERED_AT = '2026-03-01T12:00:00Z';

const ensureOptions = {
  owner: OWNER,
  repo: REPO,
  issueNumber: 12,
  runId: 'run-1',
  targetKey: '42:12',
  reactTo: { kind: 'issue_comment', commentId: 600 } as const,
  redact,
  botLogin: BOT_LOGIN,
  triggeredAt: TRIGGERED_AT,
};

describe('ensureTrackingComment', () => {
  useNock();

  it('reacts with 👀 and posts one marked "working on it" comment', async () => {
    let posted = '';
    const scope = nock(API)
      .post(`/repos/${OWNER}/${REPO}/issues/comments/600/reactions`, { content: 'eyes' })
      .reply(201, { id: 1 })
      .get(COMMENTS)
      .query({ per_page: 100, since: TRIGGERED_AT })
      // Someone pasting our marker into their own comment must not make us adopt it, nor another app.
      .reply(200, [
        { id: 5, user: { login: 'mallory', type: 'User' }, body: MARKER },
        { id: 6, user: { login: 'other-app[bot]', type: 'Bot' }, body: MARKER },
      ])
      .post(COMMENTS, (body: { body: string }) => {
        posted = body.body;
        return true;
      })
      .reply(201, { id: 900 });
    const result = await ensureTrackingComment(testOctokit(), {
      ...ensureOptions,
      runUrl: 'https://handsbot.example/runs/run-1',
    });
    expect(result).toMatchObject({ commentId: 900, created: true });
    expect(posted.startsWith(`${MARKER}\n### ⏳ handsbot is working on it`)).toBe(true);
    expect(posted).toContain('Run `run-1` · [follow the run](https://handsbot.example/runs/run-1)');
    expect(scope.isDone()).toBe(true);
  });

  it('a retried job finds its comment by the marker and posts no second one', async () => {
    const scope = nock(API)
      .post(`/repos/${OWNER}/${REPO}/issues/12/reactions`)
      .reply(200, { id: 1 })
      .get(COMMENTS)
      .query(true)
      .reply(200, [{ id: 900, user: { login: 'handsbot[bot]', type: 'Bot' }, body: `${MARKER}\n### ⏳ …` }]);
    const result = await ensureTrackingComment(testOctokit(), {
      ...ensureOptions,
      reactTo: { kind: 'issue' },
    });
    expect(result).toEqual({ commentId: 900, created: false, body: `${MARKER}\n### ⏳ …` });
    expect(scope.isDone()).toBe(true);
  });

  it('a deleted triggering comment does not stop the run (reaction 404 ignored)', async () => {
    const scope = nock(API)
      .post(`/repos/${OWNER}/${REPO}/pulls/comments/600/reactions`)
      .reply(404, { message: 'Not Found' })
      .get(COMMENTS)
      .query(true)
      .reply(200, [])
      .post(COMMENTS)
      .reply(201, { id: 901 });
    const result = await ensureTrackingComment(testOctokit(), {
      ...ensureOptions,
      reactTo: { kind: 'review_comment', commentId: 600 },
    });
    expect(result.commentId).toBe(901);
    expect(scope.isDone()).toBe(true);
  });
});

/** Time that moves only when the test says so. */
function manualScheduler() {
  let now = 0;
  const timers: { at: number; fn: () => void; cancelled: boolean }[] = [];
  const scheduler: Scheduler = {
    now: () => now,
    setTimer(fn, ms) {
      const timer = { at: now + ms, fn, cancelled: false };
      timers.push(timer);
      return () => {
        timer.cancelled = true;
      };
    },
  };
  const advance = (ms: number) => {
    now += ms;
    for (const timer of timers.splice(0)) {
      if (timer.cancelled) continue;
      if (timer.at <= now) timer.fn();
      else timers.push(timer);
    }
  };
  return { scheduler, advance };
}

function patchExpecting(body: string, etag = 'W/"v"') {
  return nock(API)
    .patch(COMMENT, (sent: { body: string }) => sent.body === body)
    .reply(200, { id: 900, body }, { ETag: etag });
}

describe('TrackingCommentUpdater', () => {
  useNock();

  const make = (
    scheduler: Scheduler,
    extra: Partial<ConstructorParameters<typeof TrackingCommentUpdater>[1]> = {},
  ) =>
    new TrackingCommentUpdater(testOctokit(), {
      owner: OWNER,
      repo: REPO,
      commentId: 900,
      redact,
      minIntervalMs: 10_000,
      knownBody: 'initial',
      scheduler,
      ...extra,
    });

  it('edits at most once per interval, coalescing updates into the newest body', async () => {
    const { scheduler, advance } = manualScheduler();
    const first = patchExpecting('A');
    const updater = make(scheduler);
    updater.update('A');
    await updater.settled();
    expect(first.isDone()).toBe(true);

    updater.update('B');
    updater.update('C');
    updater.update('D');
    await updater.settled();
    expect(updater.edits).toBe(1);

    const coalesced = patchExpecting('D');
    advance(9_999);
    await updater.settled();
    expect(coalesced.isDone()).toBe(false);
    advance(1);
    await updater.settled();
    expect(coalesced.isDone()).toBe(true);
    expect(updater.edits).toBe(2);
  });

  it('updates during the final flush never race it with a second edit', async () => {
    const { scheduler } = manualScheduler();
    // Only these two edits are mocked: any third PATCH would fail the test.
    const first = nock(API)
      .patch(COMMENT, (sent: { body: string }) => sent.body === 'A')
      .delay(20)
      .reply(200, { id: 900 }, { ETag: 'W/"a"' });
    const updater = make(scheduler, { minIntervalMs: 0 });
    updater.update('A');
    updater.update('B');
    nock(API).get(COMMENT).reply(304);
    const final = patchExpecting('FINAL');
    const flushing = updater.flush('FINAL');
    updater.update('C');
    await flushing;
    await updater.settled();
    expect(first.isDone()).toBe(true);
    expect(final.isDone()).toBe(true);
    expect(updater.edits).toBe(2);
  });

  it('an unchanged body costs no request', async () => {
    const { scheduler } = manualScheduler();
    const updater = make(scheduler);
    updater.update('initial');
    await updater.settled();
    await updater.flush('initial');
    expect(updater.edits).toBe(0);
  });

  it('the final flush ignores the throttle, and a conditional GET answered 304 saves a repeated edit', async () => {
    const { scheduler } = manualScheduler();
    const first = patchExpecting('A', 'W/"after-A"');
    const updater = make(scheduler);
    updater.update('A');
    await updater.settled();
    expect(first.isDone()).toBe(true);

    // Final body differs: the 304 says GitHub still holds A, so it is edited at once.
    const check = nock(API).get(COMMENT).matchHeader('if-none-match', 'W/"after-A"').reply(304);
    const final = patchExpecting('FINAL', 'W/"after-final"');
    await updater.flush('FINAL');
    expect(check.isDone()).toBe(true);
    expect(final.isDone()).toBe(true);

    // A retried job flushing the same final body: one free 304, no edit.
    const again = nock(API).get(COMMENT).matchHeader('if-none-match', 'W/"after-final"').reply(304);
    await updater.flush('FINAL');
    expect(again.isDone()).toBe(true);
    expect(updater.edits).toBe(2);
  });

  it('a human edit seen by the conditional GET (200) is replaced by the final body', async () => {
    const { scheduler } = manualScheduler();
    patchExpecting('A', 'W/"a"');
    const updater = make(scheduler);
    updater.update('A');
    await updater.settled();
    nock(API).get(COMMENT).reply(200, { id: 900, body: 'edited by hand' }, { ETag: 'W/"h"' });
    patchExpecting('A');
    await updater.flush();
    expect(updater.edits).toBe(2);
  });

  it('waits out retry-after after a rate-limit answer', async () => {
    const { scheduler, advance } = manualScheduler();
    nock(API).patch(COMMENT).reply(403, { message: 'secondary rate limit' }, { 'Retry-After': '120' });
    const updater = make(scheduler);
    updater.update('A');
    await updater.settled();
    expect(updater.edits).toBe(0);
    const retried = patchExpecting('B');
    updater.update('B');
    advance(10_000);
    await updater.settled();
    expect(retried.isDone()).toBe(false);
    advance(110_000);
    await updater.settled();
    expect(retried.isDone()).toBe(true);
  });

  it('redacts what it sends', async () => {
    const { scheduler } = manualScheduler();
    const scope = patchExpecting('token <secret-hidden>');
    const updater = make(scheduler);
    updater.update(`token ${PLANTED_TOKEN}`);
    await updater.settled();
    expect(scope.isDone()).toBe(true);
  });

  it('a deleted comment stops the edits and the final flush says so', async () => {
    const { scheduler } = manualScheduler();
    nock(API).patch(COMMENT).reply(404, { message: 'Not Found' });
    const updater = make(scheduler);
    updater.update('A');
    await updater.settled();
    await expect(updater.flush('B')).rejects.toBeInstanceOf(TrackingCommentGoneError);
  });
});

import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { postPermissionDeniedReply } from '../../../src/github/ops/post-permission-denied-reply.js';
import { API, BOT_LOGIN, OWNER, REPO, redact, testOctokit, useNock } from '../support/github-test-kit.js';

const COMMENTS = `/repos/${OWNER}/${REPO}/issues/7/comments`;
const base = {
  owner: OWNER,
  repo: REPO,
  issueNumber: 7,
  allowed: ['write', 'maintain', 'admin'] as const,
  deliveryId: 'd-1',
  triggeredAt: '2026-01-01T00:00:00Z',
  redact,
  botLogin: BOT_LOGIN,
};

/** A person who may only read the repository. */
const MALLORY_READS = {
  allowed: false,
  login: 'mallory',
  reason: 'insufficient_permission',
  permission: 'read',
} as const;

describe('postPermissionDeniedReply', () => {
  useNock();

  it('posts one short reply that says who may trigger', async () => {
    let posted = '';
    const scope = nock(API)
      .get(COMMENTS)
      .query({ since: base.triggeredAt, per_page: 100 })
      .reply(200, [])
      .post(COMMENTS, (body: { body: string }) => {
        posted = body.body;
        return true;
      })
      .reply(201, { id: 1 });
    expect(await postPermissionDeniedReply(testOctokit(), { ...base, denied: MALLORY_READS })).toBe(true);
    expect(posted).toContain('<!-- handsbot:denied=d-1 -->');
    expect(posted).toContain('@mallory only people with write, maintain or admin permission');
    expect(posted.split('\n')).toHaveLength(2);
    expect(scope.isDone()).toBe(true);
  });

  it('a retried job finds its reply by the marker and posts nothing', async () => {
    const scope = nock(API)
      .get(COMMENTS)
      .query(true)
      .reply(200, [
        { id: 9, user: { login: 'handsbot[bot]', type: 'Bot' }, body: '<!-- handsbot:denied=d-1 -->\nx' },
      ]);
    expect(await postPermissionDeniedReply(testOctokit(), { ...base, denied: MALLORY_READS })).toBe(false);
    expect(scope.isDone()).toBe(true);
  });

  it('another app’s comment with the marker does not silence the reply', async () => {
    const scope = nock(API)
      .get(COMMENTS)
      .query(true)
      .reply(200, [
        { id: 9, user: { login: 'other-app[bot]', type: 'Bot' }, body: '<!-- handsbot:denied=d-1 -->\nx' },
      ])
      .post(COMMENTS)
      .reply(201, { id: 10 });
    expect(await postPermissionDeniedReply(testOctokit(), { ...base, denied: MALLORY_READS })).toBe(true);
    expect(scope.isDone()).toBe(true);
  });

  it('bots get no reply at all (no request is mocked)', async () => {
    const denied = { allowed: false, login: 'other[bot]', reason: 'bot', permission: null } as const;
    expect(await postPermissionDeniedReply(testOctokit(), { ...base, denied })).toBe(false);
  });
});

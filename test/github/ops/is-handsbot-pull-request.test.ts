import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { isHandsbotPullRequest } from '../../../src/github/ops/is-handsbot-pull-request.js';
import { API, BOT_LOGIN, OWNER, REPO, testOctokit, useNock } from '../support/github-test-kit.js';

/** Whether PR #12, opened by `user` from `headRef`, is handsbot's. */
async function judge(user: { login: string; type: 'User' | 'Bot' }, headRef: string): Promise<boolean> {
  nock(API)
    .get(`/repos/${OWNER}/${REPO}/pulls/12`)
    .reply(200, { number: 12, user, head: { ref: headRef } });
  return isHandsbotPullRequest(testOctokit(), {
    owner: OWNER,
    repo: REPO,
    pullNumber: 12,
    branchPrefix: 'openhands/',
    botLogin: BOT_LOGIN,
  });
}

describe('isHandsbotPullRequest', () => {
  useNock();

  it('is a PR by the app’s own bot account from a branch under the prefix', async () => {
    expect(await judge({ login: BOT_LOGIN, type: 'Bot' }, 'openhands/issue-3-fix-login')).toBe(true);
  });

  it('is not another app’s PR, even from a branch under the prefix', async () => {
    expect(await judge({ login: 'other-app[bot]', type: 'Bot' }, 'openhands/issue-3-fix-login')).toBe(false);
  });

  it('is not a person’s PR from such a branch, nor the app’s from any other branch', async () => {
    expect(await judge({ login: 'alice', type: 'User' }, 'openhands/issue-3-fix-login')).toBe(false);
    expect(await judge({ login: BOT_LOGIN, type: 'Bot' }, 'release/v2')).toBe(false);
  });
});

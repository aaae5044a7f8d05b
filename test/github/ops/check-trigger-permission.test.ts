import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { checkTriggerPermission } from '../../../src/github/ops/check-trigger-permission.js';
import { createPermissionChecker } from '../../../src/github/ops/create-permission-checker.js';
import { API, OWNER, REPO, testOctokit, useNock } from '../support/github-test-kit.js';

const path = (login: string) =>
  `/repos/${OWNER}/${REPO}/collaborators/${encodeURIComponent(login)}/permission`;

function permissionReply(login: string, permission: string, roleName: string, type = 'User') {
  return { permission, role_name: roleName, user: { login, type } };
}

describe('checkTriggerPermission', () => {
  useNock();

  it.each([
    ['write', 'write'],
    ['write', 'maintain'],
    ['admin', 'admin'],
  ])('allows %s (role %s)', async (permission, role) => {
    const scope = nock(API)
      .get(path('alice'))
      .reply(200, permissionReply('alice', permission, role));
    const result = await checkTriggerPermission(testOctokit(), { owner: OWNER, repo: REPO, login: 'alice' });
    expect(result).toEqual({ allowed: true, login: 'alice', permission: role });
    expect(scope.isDone()).toBe(true);
  });

  it.each([
    ['read', 'read'],
    ['read', 'triage'],
    ['none', 'none'],
  ])('denies %s (role %s)', async (permission, role) => {
    const scope = nock(API)
      .get(path('mallory'))
      .reply(200, permissionReply('mallory', permission, role));
    const result = await checkTriggerPermission(testOctokit(), {
      owner: OWNER,
      repo: REPO,
      login: 'mallory',
    });
    expect(result).toEqual({
      allowed: false,
      login: 'mallory',
      reason: 'insufficient_permission',
      permission: role,
    });
    expect(scope.isDone()).toBe(true);
  });

  it('a repository that allows only admins denies a maintainer', async () => {
    const scope = nock(API)
      .get(path('maya'))
      .reply(200, permissionReply('maya', 'write', 'maintain'));
    const result = await checkTriggerPermission(testOctokit(), {
      owner: OWNER,
      repo: REPO,
      login: 'maya',
      allowed: ['admin'],
    });
    expect(result).toMatchObject({ allowed: false, permission: 'maintain' });
    expect(scope.isDone()).toBe(true);
  });

  it('a custom role counts as its base permission, never more', async () => {
    const scope = nock(API)
      .get(path('cid'))
      .reply(200, permissionReply('cid', 'read', 'security-auditor'));
    const result = await checkTriggerPermission(testOctokit(), { owner: OWNER, repo: REPO, login: 'cid' });
    expect(result).toMatchObject({ allowed: false, permission: 'read' });
    expect(scope.isDone()).toBe(true);
  });

  it('a bot is refused without asking GitHub (no request is mocked)', async () => {
    const octokit = testOctokit();
    expect(
      await checkTriggerPermission(octokit, { owner: OWNER, repo: REPO, login: 'handsbot[bot]' }),
    ).toEqual({
      allowed: false,
      login: 'handsbot[bot]',
      reason: 'bot',
      permission: null,
    });
    expect(
      await checkTriggerPermission(octokit, {
        owner: OWNER,
        repo: REPO,
        login: 'renovate',
        accountType: 'Bot',
      }),
    ).toMatchObject({ allowed: false, reason: 'bot' });
  });

  it('a bot with write access is still refused (the API says it is a Bot)', async () => {
    const scope = nock(API)
      .get(path('ci-app'))
      .reply(200, permissionReply('ci-app', 'admin', 'admin', 'Bot'));
    const result = await checkTriggerPermission(testOctokit(), { owner: OWNER, repo: REPO, login: 'ci-app' });
    expect(result).toMatchObject({ allowed: false, reason: 'bot' });
    expect(scope.isDone()).toBe(true);
  });

  it('an unknown user (404) is denied; a server error propagates for the retry', async () => {
    const scope = nock(API)
      .get(path('ghost'))
      .reply(404, { message: 'Not Found' })
      .get(path('alice'))
      .reply(503, { message: 'unavailable' });
    const octokit = testOctokit();
    expect(await checkTriggerPermission(octokit, { owner: OWNER, repo: REPO, login: 'ghost' })).toMatchObject(
      {
        allowed: false,
        permission: null,
      },
    );
    await expect(
      checkTriggerPermission(octokit, { owner: OWNER, repo: REPO, login: 'alice' }),
    ).rejects.toMatchObject({
      status: 503,
    });
    expect(scope.isDone()).toBe(true);
  });
});

describe('createPermissionChecker', () => {
  useNock();

  it('asks once per login, whatever its case', async () => {
    const scope = nock(API)
      .get(path('Alice'))
      .once()
      .reply(200, permissionReply('Alice', 'write', 'write'));
    const check = createPermissionChecker(testOctokit(), { owner: OWNER, repo: REPO });
    const results = await Promise.all([check('Alice'), check('Alice'), check('alice')]);
    expect(results.every((r) => r.allowed)).toBe(true);
    expect(scope.isDone()).toBe(true);
  });
});

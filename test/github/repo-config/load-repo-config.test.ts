import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { loadRepoConfig } from '../../../src/github/repo-config/load-repo-config.js';
import { RepoConfigError } from '../../../src/github/repo-config/repo-config-error.js';
import { API, OWNER, REPO, testOctokit, useNock } from '../support/github-test-kit.js';

const CONTENT = `/repos/${OWNER}/${REPO}/contents/.github%2Fopenhands.yml`;

function file(text: string) {
  const content = Buffer.from(text).toString('base64');
  return {
    type: 'file',
    encoding: 'base64',
    size: text.length,
    name: 'openhands.yml',
    path: '.github/openhands.yml',
    content,
  };
}

describe('loadRepoConfig', () => {
  useNock();

  it('reads the file from the default branch, never another ref', async () => {
    const scope = nock(API)
      .get(`/repos/${OWNER}/${REPO}`)
      .reply(200, { default_branch: 'trunk' })
      .get(CONTENT)
      .query({ ref: 'trunk' })
      .reply(200, file('triggerLabel: fix-me\n'));
    const loaded = await loadRepoConfig(testOctokit(), { owner: OWNER, repo: REPO });
    expect(loaded).toEqual({ source: 'file', ref: 'trunk', config: { triggerLabel: 'fix-me' } });
    expect(scope.isDone()).toBe(true);
  });

  it('a missing file sets nothing', async () => {
    const scope = nock(API).get(CONTENT).query({ ref: 'main' }).reply(404, { message: 'Not Found' });
    const loaded = await loadRepoConfig(testOctokit(), { owner: OWNER, repo: REPO, defaultBranch: 'main' });
    expect(loaded).toEqual({ source: 'defaults', ref: 'main', config: {} });
    expect(scope.isDone()).toBe(true);
  });

  it('a bad file is a RepoConfigError naming the key', async () => {
    const scope = nock(API)
      .get(CONTENT)
      .query({ ref: 'main' })
      .reply(200, file('draftPullRequests: sometimes\n'));
    const error = await loadRepoConfig(testOctokit(), {
      owner: OWNER,
      repo: REPO,
      defaultBranch: 'main',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RepoConfigError);
    expect((error as RepoConfigError).problems[0]).toMatchObject({ key: 'draftPullRequests' });
    expect(scope.isDone()).toBe(true);
  });

  it('a directory in place of the file is an error, not defaults', async () => {
    const scope = nock(API).get(CONTENT).query({ ref: 'main' }).reply(200, []);
    await expect(
      loadRepoConfig(testOctokit(), { owner: OWNER, repo: REPO, defaultBranch: 'main' }),
    ).rejects.toMatchObject({
      name: 'RepoConfigError',
      kind: 'not-a-file',
    });
    expect(scope.isDone()).toBe(true);
  });

  it('server errors propagate for the job to retry', async () => {
    const scope = nock(API).get(CONTENT).query({ ref: 'main' }).reply(502, { message: 'Bad Gateway' });
    await expect(
      loadRepoConfig(testOctokit(), { owner: OWNER, repo: REPO, defaultBranch: 'main' }),
    ).rejects.toMatchObject({
      status: 502,
    });
    expect(scope.isDone()).toBe(true);
  });
});

import nock from 'nock';
import { ProbotOctokit } from 'probot';
import { describe, expect, it } from 'vitest';
import { createOctokit } from '../../../src/github/ops/create-octokit.js';
import type { GitHubClient } from '../../../src/github/ops/github-client.js';
import { httpStatusOf } from '../../../src/github/ops/http-status-of.js';
import { useNock } from '../support/github-test-kit.js';

describe('GitHubClient', () => {
  useNock();

  it("accepts Probot's Octokit and createOctokit's (checked by the type checker)", () => {
    const probot: GitHubClient = new (ProbotOctokit.defaults({
      retry: { enabled: false },
      throttle: { enabled: false },
    }))();
    const ours: GitHubClient = createOctokit({ retry: false, throttle: false });
    expect(typeof probot.graphql).toBe('function');
    expect(typeof ours.rest.issues.createComment).toBe('function');
  });

  it('points REST and GraphQL at GitHub Enterprise Server through the base URL', async () => {
    const octokit = createOctokit({
      baseUrl: 'https://ghe.example.com/api/v3/',
      retry: false,
      throttle: false,
    });
    const scope = nock('https://ghe.example.com')
      .get('/api/v3/repos/acme/widgets')
      .reply(200, { default_branch: 'main' })
      .post('/api/graphql')
      .reply(200, { data: { viewer: { login: 'x' } } });
    expect((await octokit.rest.repos.get({ owner: 'acme', repo: 'widgets' })).data.default_branch).toBe(
      'main',
    );
    expect(await octokit.graphql('query { viewer { login } }')).toEqual({ viewer: { login: 'x' } });
    expect(scope.isDone()).toBe(true);
  });
});

describe('httpStatusOf', () => {
  it('reads the status of Octokit request errors only', () => {
    expect(httpStatusOf(Object.assign(new Error('x'), { name: 'HttpError', status: 404 }))).toBe(404);
    expect(httpStatusOf(Object.assign(new Error('x'), { status: 404 }))).toBeUndefined();
    expect(httpStatusOf('404')).toBeUndefined();
    expect(httpStatusOf(null)).toBeUndefined();
  });
});

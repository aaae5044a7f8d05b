import type { Octokit } from '@octokit/rest';

/**
 * The Octokit surface the GitHub operations use. Probot's `ProbotOctokit` and `createOctokit`'s
 * client both fit, so the worker passes whichever it has; tests pass a plain `Octokit`.
 */
export type GitHubClient = Pick<Octokit, 'rest' | 'request' | 'graphql' | 'paginate'>;

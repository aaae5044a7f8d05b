import { sanitizeUntrustedLine } from '../../security/markdown/sanitize-untrusted-text.js';
import type { Redact } from '../../security/redactor.js';
import type { GitHubClient } from './github-client.js';
import { httpStatusOf } from './http-status-of.js';
import { readPullRequestTemplate } from './read-pull-request-template.js';
import { type PullRequestBodyInput, renderPullRequestBody } from './render-pull-request-body.js';

export interface OpenPullRequestOptions {
  readonly owner: string;
  readonly repo: string;
  /** The branch the PR targets: the default branch, where the template is read from too. */
  readonly base: string;
  /** The branch handsbot pushed. */
  readonly branch: string;
  readonly issue: { readonly number: number; readonly title: string };
  readonly body: Omit<PullRequestBodyInput, 'issueNumber' | 'template'>;
  /** From the repository config (`draftPullRequests`, true by default). */
  readonly draft: boolean;
  /** The person who triggered; asked to review. */
  readonly reviewer?: string;
  readonly redact: Redact;
}

export interface OpenedPullRequest {
  readonly number: number;
  readonly url: string;
  readonly draft: boolean;
  /** False when a retried job found the PR it had already opened. */
  readonly created: boolean;
  readonly reviewerRequested: boolean;
}

/**
 * Opens the run's pull request once: an open PR from the branch is looked for first, so a retried
 * or resumed job returns it instead of opening another. Title `Fix issue #n: <title>`; body from
 * `renderPullRequestBody` with the default branch's template. A draft is refused (422) where the plan
 * has no drafts, so a 422 re-checks for a PR opened meanwhile and then tries once as ready.
 */
export async function openPullRequest(
  octokit: GitHubClient,
  options: OpenPullRequestOptions,
): Promise<OpenedPullRequest> {
  const { owner, repo, base, branch, redact } = options;
  const existing = await findOpenPullRequest(octokit, owner, repo, branch);
  if (existing) return { ...existing, created: false, reviewerRequested: false };

  const template = await readPullRequestTemplate(octokit, { owner, repo, ref: base });
  const body = renderPullRequestBody(
    { ...options.body, issueNumber: options.issue.number, template },
    redact,
  );
  const title = redact(pullRequestTitle(options.issue.number, options.issue.title));
  const create = (draft: boolean) =>
    octokit.rest.pulls.create({ owner, repo, base, head: branch, title, body, draft });

  let created: Awaited<ReturnType<typeof create>>['data'];
  try {
    ({ data: created } = await create(options.draft));
  } catch (error) {
    if (httpStatusOf(error) !== 422) throw error;
    const raced = await findOpenPullRequest(octokit, owner, repo, branch);
    if (raced) return { ...raced, created: false, reviewerRequested: false };
    if (!options.draft) throw error;
    ({ data: created } = await create(false));
  }
  const reviewerRequested = options.reviewer
    ? await requestReviewer(octokit, owner, repo, created.number, options.reviewer)
    : false;
  return {
    number: created.number,
    url: created.html_url,
    draft: created.draft ?? false,
    created: true,
    reviewerRequested,
  };
}

/** `Fix issue #n: <title>`, the title cleaned of hidden characters and cut to GitHub's 256. */
export function pullRequestTitle(issueNumber: number, issueTitle: string): string {
  const clean = sanitizeUntrustedLine(issueTitle);
  const title = `Fix issue #${issueNumber}: ${clean}`;
  return title.length > 256 ? `${title.slice(0, 255)}…` : title;
}

async function findOpenPullRequest(
  octokit: GitHubClient,
  owner: string,
  repo: string,
  branch: string,
): Promise<{ number: number; url: string; draft: boolean } | null> {
  const { data } = await octokit.rest.pulls.list({ owner, repo, state: 'open', head: `${owner}:${branch}` });
  const pr = data[0];
  return pr ? { number: pr.number, url: pr.html_url, draft: pr.draft ?? false } : null;
}

/** A reviewer request that GitHub refuses (not a collaborator any more, the author…) is not fatal. */
async function requestReviewer(
  octokit: GitHubClient,
  owner: string,
  repo: string,
  pullNumber: number,
  reviewer: string,
): Promise<boolean> {
  if (reviewer.endsWith('[bot]')) return false;
  try {
    await octokit.rest.pulls.requestReviewers({
      owner,
      repo,
      pull_number: pullNumber,
      reviewers: [reviewer],
    });
    return true;
  } catch (error) {
    const status = httpStatusOf(error);
    if (status === 403 || status === 404 || status === 422) return false;
    throw error;
  }
}

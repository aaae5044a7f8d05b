import type { GitHubClient } from './github-client.js';
import { httpStatusOf } from './http-status-of.js';

/** Where GitHub itself looks for a single pull request template, in its order. */
const TEMPLATE_PATHS = [
  '.github/pull_request_template.md',
  '.github/PULL_REQUEST_TEMPLATE.md',
  'pull_request_template.md',
  'PULL_REQUEST_TEMPLATE.md',
  'docs/pull_request_template.md',
  'docs/PULL_REQUEST_TEMPLATE.md',
];

const MAX_TEMPLATE_BYTES = 32 * 1024;

/**
 * The repository's pull request template from the default branch (never from a PR head), or null
 * when there is none or it is unreasonably large. Other API errors propagate for the job's retry.
 */
export async function readPullRequestTemplate(
  octokit: GitHubClient,
  { owner, repo, ref }: { owner: string; repo: string; ref: string },
): Promise<string | null> {
  for (const path of TEMPLATE_PATHS) {
    try {
      const { data } = await octokit.rest.repos.getContent({ owner, repo, path, ref });
      if (Array.isArray(data) || data.type !== 'file' || data.encoding !== 'base64') continue;
      if (data.size > MAX_TEMPLATE_BYTES) return null;
      return Buffer.from(data.content, 'base64').toString('utf8');
    } catch (error) {
      if (httpStatusOf(error) !== 404) throw error;
    }
  }
  return null;
}

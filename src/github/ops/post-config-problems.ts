import type { Redact } from '../../security/redactor.js';
import type { RepoConfigError } from '../repo-config/repo-config-error.js';
import type { GitHubClient } from './github-client.js';
import { postCommentOnce } from './post-comment-once.js';
import { renderMarker } from './render-marker.js';
import { renderOutcome } from './render-outcome.js';

export interface PostConfigProblemsOptions {
  readonly owner: string;
  readonly repo: string;
  readonly issueNumber: number;
  readonly error: RepoConfigError;
  /** The run the trigger would have started: its attempts share it, a new trigger gets a new one. */
  readonly runId: string;
  /** When the trigger happened: only comments since are searched for an earlier copy. */
  readonly triggeredAt: string;
  readonly redact: Redact;
  /** The app's bot account, `<slug>[bot]`: only its comments can be an earlier copy. */
  readonly botLogin: string;
}

/**
 * The comment that names what is wrong with `.github/openhands.yml`, once per run. Marked with the
 * run id rather than the target or the file: a retried or resumed attempt of the same run finds its
 * comment and posts nothing, while a new trigger (say, after the file was fixed and broken again) is
 * a new run and gets a comment of its own, about the file as it is now.
 */
export async function postConfigProblems(
  octokit: GitHubClient,
  options: PostConfigProblemsOptions,
): Promise<boolean> {
  const { error, redact } = options;
  return postCommentOnce(octokit, {
    owner: options.owner,
    repo: options.repo,
    issueNumber: options.issueNumber,
    marker: renderMarker({ config: options.runId }),
    body: renderOutcome({ kind: 'bad_config', path: error.path, problems: error.problems }, redact),
    since: options.triggeredAt,
    redact,
    botLogin: options.botLogin,
  });
}

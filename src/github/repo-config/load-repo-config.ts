import type { GitHubClient } from '../ops/github-client.js';
import { httpStatusOf } from '../ops/http-status-of.js';
import { parseRepoConfig } from './parse-repo-config.js';
import { RepoConfigError } from './repo-config-error.js';
import type { RepoConfigFile } from './repo-config-file.schema.js';

export const REPO_CONFIG_PATH = '.github/openhands.yml';

/** Larger than any sensible settings file; a bigger one is refused rather than parsed. */
const MAX_BYTES = 64 * 1024;

export interface LoadRepoConfigOptions {
  readonly owner: string;
  readonly repo: string;
  /** The repository's default branch, when the caller already knows it (saves one request). */
  readonly defaultBranch?: string;
}

export interface LoadedRepoConfig {
  /**
   * The settings the file sets, and only those (none without a file): what it leaves out is the
   * installation's to decide (`resolveRepoSettings`), not the schema's defaults.
   */
  readonly config: RepoConfigFile;
  /** `defaults` when the repository has no config file. */
  readonly source: 'file' | 'defaults';
  /** The branch the file was read from: always the default branch. */
  readonly ref: string;
}

/**
 * Reads `.github/openhands.yml` from the **default branch**, never from a pull request's head: a PR
 * must not be able to widen its own network access or loosen confirmation. Missing file → no settings;
 * a bad file → `RepoConfigError` (nothing should run). Other API errors propagate for the job's retry.
 */
export async function loadRepoConfig(
  octokit: GitHubClient,
  { owner, repo, defaultBranch }: LoadRepoConfigOptions,
): Promise<LoadedRepoConfig> {
  const ref = defaultBranch ?? (await octokit.rest.repos.get({ owner, repo })).data.default_branch;
  let data: Awaited<ReturnType<GitHubClient['rest']['repos']['getContent']>>['data'];
  try {
    ({ data } = await octokit.rest.repos.getContent({ owner, repo, path: REPO_CONFIG_PATH, ref }));
  } catch (error) {
    if (httpStatusOf(error) === 404) return { config: {}, source: 'defaults', ref };
    throw error;
  }
  if (Array.isArray(data) || data.type !== 'file') {
    throw new RepoConfigError(REPO_CONFIG_PATH, 'not-a-file', [
      { key: '(file)', expected: 'a regular file (found a directory, symlink or submodule)' },
    ]);
  }
  // GitHub leaves `content` empty (encoding "none") for files over 1 MB.
  if (data.size > MAX_BYTES || data.encoding !== 'base64') {
    throw new RepoConfigError(REPO_CONFIG_PATH, 'too-large', [
      { key: '(file)', expected: `at most ${MAX_BYTES / 1024} KB` },
    ]);
  }
  const text = Buffer.from(data.content, 'base64').toString('utf8');
  return { config: parseRepoConfig(text, REPO_CONFIG_PATH), source: 'file', ref };
}

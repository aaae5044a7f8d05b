import type { GitHubClient } from '../ops/github-client.js';
import type { Outcome } from '../ops/outcome.js';
import { invalidConfigTriggerSettings } from '../repo-config/invalid-config-trigger-settings.js';
import { loadRepoConfig } from '../repo-config/load-repo-config.js';
import { TRIGGER_PERMISSION_LEVELS } from '../repo-config/repo-config.schema.js';
import { RepoConfigError } from '../repo-config/repo-config-error.js';
import { resolveRepoSettings } from '../repo-config/resolve-repo-settings.js';

export interface LoadHelpOutcomeOptions {
  readonly owner: string;
  readonly repo: string;
  /** The installation's trigger label, which applies when the repository has no settings file. */
  readonly installationLabel: string;
}

/**
 * `/agent help` as it applies to this repository: the label and permission levels its own
 * `.github/openhands.yml` sets (the same rule the run job acts on), else the installation's.
 *
 * A file that does not parse does not break help: it names the label the run job would answer
 * with the config problems (`invalidConfigTriggerSettings`), the default permission levels, and says
 * the file is invalid. Staying silent would tell people to add a label that, here, only earns
 * them the config-error comment; help is where they look when nothing starts. GitHub failures other
 * than a missing file propagate, for the control job's retry.
 */
export async function loadHelpOutcome(
  octokit: GitHubClient,
  { owner, repo, installationLabel }: LoadHelpOutcomeOptions,
): Promise<Extract<Outcome, { kind: 'help' }>> {
  try {
    const loaded = await loadRepoConfig(octokit, { owner, repo });
    const settings = resolveRepoSettings(loaded.config, { triggerLabel: installationLabel });
    return { kind: 'help', triggerLabel: settings.triggerLabel, permissions: settings.triggerPermissions };
  } catch (error) {
    if (!(error instanceof RepoConfigError)) throw error;
    return {
      kind: 'help',
      // The one label that gets the config comment instead of silence: what to try, once fixed.
      triggerLabel: invalidConfigTriggerSettings(error, { triggerLabel: installationLabel }).triggerLabel,
      permissions: TRIGGER_PERMISSION_LEVELS,
      invalidConfigPath: error.path,
    };
  }
}

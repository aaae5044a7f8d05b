import type { RepoConfigError } from './repo-config-error.js';
import {
  type InstallationDefaults,
  type RepoSettings,
  resolveRepoSettings,
} from './resolve-repo-settings.js';

/** What makes an event handsbot's trigger: the label that starts a run, the prefix of its branches. */
export type TriggerSettings = Pick<RepoSettings, 'triggerLabel' | 'branchPrefix'>;

/**
 * What could be a trigger on a repository whose `.github/openhands.yml` is invalid: only such a
 * trigger is told about the file (the run job's comment, `/agent help`'s warning); any other label,
 * and a review on a pull request handsbot did not open, ends quietly, as it does with a valid file.
 * Every `issues.labeled` and every review reaches the queue, so without this rule one broken file
 * made `bug`, `docs`… and each review of anyone's PR get the config-problems comment.
 *
 * Each is what it would be if the file's other problems were fixed: the file's own `triggerLabel` /
 * `branchPrefix` when it sets a valid one (its authors chose it, and the installation's is then just
 * another label or branch there), else the installation's, else the default (what applies where the
 * file names none, or names one that cannot be used) — `resolveRepoSettings` over the keys kept.
 */
export function invalidConfigTriggerSettings(
  error: RepoConfigError,
  installation: InstallationDefaults,
): TriggerSettings {
  const { triggerLabel, branchPrefix } = resolveRepoSettings(error.triggerKeys, installation);
  return { triggerLabel, branchPrefix };
}

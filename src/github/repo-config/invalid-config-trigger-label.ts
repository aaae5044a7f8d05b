import type { RepoConfigError } from './repo-config-error.js';

/**
 * The label that could be the trigger on a repository whose `.github/openhands.yml` is invalid:
 * only that label is told about the file (the run job's comment, `/agent help`'s warning), every other
 * label is ignored quietly, as it is with a valid file. Every `issues.labeled` reaches the queue, so
 * without this rule one broken file made `bug`, `docs`… each get the config-problems comment.
 *
 * It is the label that would be the trigger if the file's other problems were fixed: the file's own
 * `triggerLabel` when it sets a valid one (its authors chose it, and the installation's label is then
 * just another label there), else the installation's label (what applies where the file names none,
 * or names one no issue can carry).
 */
export function invalidConfigTriggerLabel(error: RepoConfigError, installationLabel: string): string {
  return error.triggerLabel ?? installationLabel;
}

import type { LoadedRepoConfig } from './load-repo-config.js';

/**
 * The label that starts a run on this repository: its own `triggerLabel` when it has a
 * `.github/openhands.yml`, the installation's label when it has none. One rule for the run job, which
 * acts on it, and for `/agent help`, which names it, so the two can never disagree.
 *
 * A file that leaves `triggerLabel` out gets the schema's default (`openhands`), not the
 * installation's label: the parsed config no longer says which keys the file set.
 */
export function repoTriggerLabel(loaded: LoadedRepoConfig, installationLabel: string): string {
  return loaded.source === 'file' ? loaded.config.triggerLabel : installationLabel;
}

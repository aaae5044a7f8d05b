import { repoConfigSchema } from './repo-config.schema.js';
import type { RepoConfigFile } from './repo-config-file.schema.js';

/** Installation-wide settings (the worker's environment) that apply where a repository sets none. */
export interface InstallationDefaults {
  /** `HANDSBOT_TRIGGER_LABEL`. */
  readonly triggerLabel: string;
  readonly draft?: boolean;
  readonly branchPrefix?: string;
}

/**
 * The settings handsbot's GitHub side acts on for a repository: who and what starts a run, what it
 * may push. Each one resolved, whether the file, the installation or a default decided it.
 */
export type RepoSettings = Required<
  Pick<
    RepoConfigFile,
    'triggerLabel' | 'triggerPermissions' | 'draftPullRequests' | 'branchPrefix' | 'allowWorkflowChanges'
  >
>;

/**
 * Each key from the repository's file when it sets it, else the installation's setting when there
 * is one, else the schema's default: a file that sets only `maxIterations` keeps the installation's
 * trigger label. The one rule for the run job and `/agent help`, so they cannot disagree.
 *
 * The run settings the worker has its own values for (network, confirmation, image, limits, model)
 * are not resolved here: the task carries only what the file sets, and the worker fills in the rest.
 */
export function resolveRepoSettings(file: RepoConfigFile, installation: InstallationDefaults): RepoSettings {
  const schema = repoConfigSchema.parse({});
  return {
    triggerLabel: file.triggerLabel ?? installation.triggerLabel,
    triggerPermissions: file.triggerPermissions ?? schema.triggerPermissions,
    draftPullRequests: file.draftPullRequests ?? installation.draft ?? schema.draftPullRequests,
    branchPrefix: file.branchPrefix ?? installation.branchPrefix ?? schema.branchPrefix,
    allowWorkflowChanges: file.allowWorkflowChanges ?? schema.allowWorkflowChanges,
  };
}

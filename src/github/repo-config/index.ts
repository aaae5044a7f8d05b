export { type RunLimits, resolveRunLimits } from '../../config/resolve-run-limits.js';
export { invalidConfigTriggerSettings, type TriggerSettings } from './invalid-config-trigger-settings.js';
export {
  type LoadedRepoConfig,
  type LoadRepoConfigOptions,
  loadRepoConfig,
  REPO_CONFIG_PATH,
} from './load-repo-config.js';
export { parseRepoConfig } from './parse-repo-config.js';
export { renderRepoConfigJsonSchema } from './render-repo-config-json-schema.js';
export {
  type RepoConfig,
  type RepoConfigInput,
  repoConfigSchema,
  TRIGGER_PERMISSION_LEVELS,
  type TriggerPermissionLevel,
  triggerPermissionLevelSchema,
} from './repo-config.schema.js';
export {
  RepoConfigError,
  type RepoConfigErrorKind,
  type RepoConfigProblem,
  TRIGGER_KEYS,
  type TriggerKeys,
} from './repo-config-error.js';
export { type RepoConfigFile, repoConfigFileSchema } from './repo-config-file.schema.js';
export {
  type InstallationDefaults,
  type RepoSettings,
  resolveRepoSettings,
} from './resolve-repo-settings.js';

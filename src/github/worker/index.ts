export type { InstallationDefaults } from '../repo-config/resolve-repo-settings.js';
export { type AppOctokit, type CreateAppOctokitOptions, createAppOctokit } from './create-app-octokit.js';
export { type CreateControlPortsOptions, createControlPorts } from './create-control-ports.js';
export { type CreateRunGitHubOptions, createRunGitHub } from './create-run-github.js';
export {
  type AppIdentity,
  AppIdentityError,
  type ResolveAppIdentityClients,
  resolveAppIdentity,
} from './resolve-app-identity.js';

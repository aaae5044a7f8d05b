export { buildContainerConfig, type ContainerConfigInput, SANDBOX_HOME } from './build-container-config.js';
export { LABELS, type SandboxLabels } from './container-labels.js';
export {
  createDockerWorkspace,
  type DockerWorkspace,
  type DockerWorkspaceOptions,
} from './docker-workspace.js';
export {
  type OrphanReaper,
  type OrphanReaperOptions,
  type ReapedSandbox,
  type ReapOrphansOptions,
  reapOrphans,
  removeRunSandboxes,
  startOrphanReaper,
} from './reap-orphans.js';
export { SandboxUnavailableError } from './sandbox-container.js';
export { DEFAULT_SANDBOX_LIMITS, resolveSandboxLimits, type SandboxLimits } from './sandbox-limits.js';
export { SANDBOX_UID } from './sandbox-user.js';

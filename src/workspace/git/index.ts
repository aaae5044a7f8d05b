export { type BranchPolicy, checkBranchName } from './check-branch-name.js';
export { type EvictionResult, evictMirrors, listMirrors } from './evict-mirrors.js';
export { findConfigTampering } from './find-config-tampering.js';
export {
  BranchPolicyError,
  type ConfigFinding,
  GitCommandError,
  type GitFailureKind,
  TamperedCheckoutError,
} from './git-errors.js';
export {
  MirrorCache,
  type MirrorCacheOptions,
  type MirrorRequest,
  type MirrorView,
  type ProvisionRequest,
  type ProvisionResult,
} from './mirror-cache.js';
export {
  commitMessage,
  type GitIdentity,
  type PushBranchRequest,
  type PushBranchResult,
  pushBranch,
} from './push-branch.js';
export { parseRepositoryUrl, type RepositoryUrl } from './repository-url.js';

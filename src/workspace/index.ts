export { createLocalWorkspace, type LocalWorkspaceOptions } from './local-workspace.js';
export { resolveWorkspacePath } from './resolve-workspace-path.js';
export { buildShellEnv } from './shell-env.js';
export type { ShellProcess } from './shell-process.js';
export { spawnLocalShell } from './shell-process.js';
export { createShellSession, type ShellSessionOptions, ShellStateError } from './shell-session.js';
export type {
  ExecOptions,
  ExecResult,
  FileStat,
  ShellRunOptions,
  ShellRunResult,
  ShellSession,
  Workspace,
} from './workspace.js';
export { WorkspacePathError } from './workspace.js';

/**
 * Where a run's tools act. The agent core sees only this interface: the local workspace runs commands
 * on the host in the repository folder; the Docker workspace (its own issue) runs them in a container.
 * Paths given to it are absolute paths as the agent sees them, and must stay inside `root`.
 */
export interface Workspace {
  readonly kind: 'local' | 'docker';
  /** Absolute path of the repository checkout, as the agent sees it. */
  readonly root: string;
  /** The persistent shell the `terminal` tool drives; created on first use, one per workspace. */
  shell(): ShellSession;
  /** One-off command outside the persistent shell (setup scripts, git diff); never interactive. */
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  readFile(path: string): Promise<Buffer>;
  writeFile(path: string, content: string | Buffer): Promise<void>;
  stat(path: string): Promise<FileStat>;
  /** Paths under `path` down to `depth` levels, hidden entries left out, directories ending in `/`. */
  listTree(path: string, depth: number): Promise<string[]>;
  /** `git diff` of the working tree against HEAD, untracked files included. */
  diff(): Promise<string>;
  close(): Promise<void>;
}

export type FileStat = { type: 'file'; size: number } | { type: 'directory' } | { type: 'missing' };

export interface ExecOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  cwd?: string;
}

export interface ExecResult {
  exitCode: number;
  /** stdout and stderr interleaved as they came. */
  output: string;
  timedOut: boolean;
}

export interface ShellRunOptions {
  /** The command, or text sent to a running command when `isInput`; empty means "read more output". */
  command: string;
  isInput: boolean;
  /**
   * Hard limit in ms. Without it the call returns after `noOutputTimeoutMs` without new output, with
   * exitCode -1 and the command still running.
   */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface ShellRunResult {
  output: string;
  /** -1 while the command is still running (soft timeout); the agent may wait, send input or C-c. */
  exitCode: number;
  /** The directory the shell is in after the command. */
  cwd: string;
  timedOut: boolean;
}

export interface ShellSession {
  run(options: ShellRunOptions): Promise<ShellRunResult>;
  /** Kills the shell and everything it started, then starts a fresh one. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** A path outside the workspace, a missing file... Tools turn it into an error observation. */
export class WorkspacePathError extends Error {
  override readonly name = 'WorkspacePathError';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

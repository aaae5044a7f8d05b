import { realpathSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execCommand } from './exec-command.js';
import { gitDiff } from './git-diff.js';
import { resolveWorkspacePath } from './resolve-workspace-path.js';
import { buildShellEnv } from './shell-env.js';
import { spawnLocalShell } from './shell-process.js';
import { createShellSession, type ShellSessionOptions } from './shell-session.js';
import {
  type ExecOptions,
  type ExecResult,
  type FileStat,
  type Workspace,
  WorkspacePathError,
} from './workspace.js';

export interface LocalWorkspaceOptions {
  /** The repository checkout. Its real path becomes the workspace root the agent sees. */
  root: string;
  /** Environment for the shell and one-off commands; defaults to the allowlist of `buildShellEnv`. */
  env?: Readonly<Record<string, string>>;
  /** Tuning of the persistent shell (tests use a short soft timeout). */
  shell?: Omit<ShellSessionOptions, 'spawn' | 'initialCwd'>;
}

/**
 * The workspace on the host, in a repository folder. Only file access is confined (every path goes
 * through `resolveWorkspacePath`); the shell runs as the worker's user, without its secrets.
 */
export function createLocalWorkspace(options: LocalWorkspaceOptions): Workspace {
  let root: string;
  try {
    root = realpathSync(options.root);
  } catch (cause) {
    const error = new WorkspacePathError(options.root, `The workspace root ${options.root} does not exist.`);
    error.cause = cause;
    throw error;
  }
  const env = options.env ?? buildShellEnv();
  const session = createShellSession({
    ...options.shell,
    initialCwd: root,
    spawn: () => spawnLocalShell({ cwd: root, env }),
  });
  const inside = (path: string) => resolveWorkspacePath(root, path);

  return {
    kind: 'local',
    root,
    shell: () => session,
    async exec(command: string, execOptions: ExecOptions = {}): Promise<ExecResult> {
      const cwd = execOptions.cwd === undefined ? root : await inside(execOptions.cwd);
      return execCommand(command, {
        cwd,
        env,
        ...(execOptions.timeoutMs === undefined ? {} : { timeoutMs: execOptions.timeoutMs }),
        ...(execOptions.signal === undefined ? {} : { signal: execOptions.signal }),
      });
    },
    async readFile(path: string): Promise<Buffer> {
      return readFile(await inside(path));
    },
    async writeFile(path: string, content: string | Buffer): Promise<void> {
      const real = await inside(path);
      await mkdir(dirname(real), { recursive: true });
      await writeFile(real, content);
    },
    async stat(path: string): Promise<FileStat> {
      const real = await inside(path);
      const info = await stat(real).catch(() => null);
      if (!info) return { type: 'missing' };
      return info.isDirectory() ? { type: 'directory' } : { type: 'file', size: info.size };
    },
    async listTree(path: string, depth = 2): Promise<string[]> {
      return listTree(await inside(path), path.replace(/\/+$/, '') || '/', depth);
    },
    diff: () => gitDiff(root, env),
    close: () => session.close(),
  };
}

/**
 * Entries under `real` named from `shown` (the path as the agent gave it). Symlinks are listed but
 * never descended into, so the listing cannot wander outside the workspace.
 */
async function listTree(real: string, shown: string, depth: number): Promise<string[]> {
  if (depth <= 0) return [];
  const entries = await readdir(real, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  const lines: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const shownPath = shown === '/' ? `/${entry.name}` : `${shown}/${entry.name}`;
    if (entry.isDirectory()) {
      lines.push(`${shownPath}/`);
      lines.push(...(await listTree(join(real, entry.name), shownPath, depth - 1).catch(() => [])));
    } else {
      lines.push(shownPath);
    }
  }
  return lines;
}

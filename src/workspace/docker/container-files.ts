import { posix } from 'node:path';
import { isInside } from '../resolve-workspace-path.js';
import { type FileStat, type Workspace, WorkspacePathError } from '../workspace.js';
import type { ExecOutput } from './container-exec.js';
import type { SandboxContainer } from './sandbox-container.js';

/**
 * Resolves the path inside the container the way `resolveWorkspacePath` does on the host: symlinks
 * followed (`realpath -m` resolves what exists and keeps the rest), then checked against the root.
 * Arguments: root, path; the real path ends up in $real.
 */
const CONFINE = `root=$1 path=$2
if [ -L "$path" ] && [ ! -e "$path" ]; then exit 64; fi
real=$(realpath -m -- "$path") || exit 65
case "$real" in "$root" | "$root"/*) ;; *) exit 66 ;; esac
`;

const SCRIPTS = {
  read: `${CONFINE}exec cat -- "$real"`,
  write: `${CONFINE}mkdir -p -- "\${real%/*}" && exec cat >"$real"`,
  stat: `${CONFINE}if [ -d "$real" ]; then echo d; elif [ -e "$real" ]; then echo "f $(stat -L -c %s -- "$real")"; else echo m; fi`,
  // NUL-separated "<type> <relative path>"; hidden entries are neither listed nor descended into,
  // symlinks are listed (type l) but never followed.
  list: `${CONFINE}[ -d "$real" ] || { echo "$path is not a directory" >&2; exit 1; }
cd -- "$real" && exec find . -mindepth 1 -maxdepth "$3" -name '.*' -prune -o -printf '%y %P\\0'`,
};

export type ContainerFiles = Pick<Workspace, 'readFile' | 'writeFile' | 'stat' | 'listTree'>;

/**
 * File access for the agent's tools, run inside the container as the sandbox user rather than on the
 * host through the bind mount. On the host, a worker running as root would resolve a path and then
 * write through it while the agent's shell swaps a directory of that path for a symlink to /etc:
 * the check and the write cannot be made atomic from Node. In the container the worst that race can
 * reach is the sandbox itself.
 */
export function createContainerFiles(sandbox: SandboxContainer, root: string): ContainerFiles {
  const run = async (
    script: keyof typeof SCRIPTS,
    path: string,
    extra: string[] = [],
    input?: string | Buffer,
  ) => {
    const absolute = toContainerPath(root, path);
    const cmd = [
      'bash',
      '--noprofile',
      '--norc',
      '-c',
      SCRIPTS[script],
      `handsbot-${script}`,
      root,
      absolute,
      ...extra,
    ];
    const result = await sandbox.collect(cmd, input === undefined ? {} : { input });
    if (result.exitCode !== 0) throw failure(path, root, script, result);
    return result.stdout;
  };
  return {
    readFile: (path) => run('read', path),
    async writeFile(path, content) {
      await run('write', path, [], content);
    },
    async stat(path): Promise<FileStat> {
      const [kind, size] = (await run('stat', path)).toString('utf8').trim().split(' ');
      if (kind === 'd') return { type: 'directory' };
      if (kind === 'f') return { type: 'file', size: Number(size) };
      return { type: 'missing' };
    },
    async listTree(path, depth = 2) {
      if (depth <= 0) return [];
      const listing = await run('list', path, [String(depth)]);
      return treeLines(listing.toString('utf8'), path.replace(/\/+$/, '') || '/');
    },
  };
}

/** The agent's path as an absolute container path, refused before anything runs if outside `root`. */
export function toContainerPath(root: string, path: string): string {
  const absolute = posix.resolve(root, path);
  if (!isInside(root, absolute)) {
    throw new WorkspacePathError(path, `The path ${path} is outside the workspace ${root}.`);
  }
  return absolute;
}

function failure(path: string, root: string, script: string, result: ExecOutput): WorkspacePathError {
  switch (result.exitCode) {
    case 64:
      return new WorkspacePathError(path, `The path ${path} is a symbolic link to a missing target.`);
    case 66:
      return new WorkspacePathError(path, `The path ${path} is outside the workspace ${root}.`);
    default: {
      const reason = result.stderr.toString('utf8').trim() || `exit code ${result.exitCode}`;
      return new WorkspacePathError(path, `Cannot ${script} ${path}: ${reason}`);
    }
  }
}

/** Depth-first, names sorted per directory, directories ending in `/`: the local `listTree` order. */
function treeLines(listing: string, shown: string): string[] {
  const children = new Map<string, { name: string; directory: boolean }[]>();
  for (const record of listing.split('\0')) {
    if (record.length < 3) continue;
    const directory = record[0] === 'd';
    const relative = record.slice(2);
    const slash = relative.lastIndexOf('/');
    const parent = slash < 0 ? '' : relative.slice(0, slash);
    const list = children.get(parent) ?? [];
    list.push({ name: relative.slice(slash + 1), directory });
    children.set(parent, list);
  }
  const lines: string[] = [];
  const walk = (relative: string, shownDir: string) => {
    const entries = (children.get(relative) ?? []).sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const shownPath = shownDir === '/' ? `/${entry.name}` : `${shownDir}/${entry.name}`;
      if (!entry.directory) {
        lines.push(shownPath);
        continue;
      }
      lines.push(`${shownPath}/`);
      walk(relative === '' ? entry.name : `${relative}/${entry.name}`, shownPath);
    }
  };
  walk('', shown);
  return lines;
}

import path from 'node:path';

/**
 * Where a path written in a command points, relative to the workspace. Rules only see text (the
 * analyzer is pure and never touches the disk), so symlinks are not followed here: the workspace runs
 * its own `realpath` check when a file is actually opened.
 */
export type PathPlace =
  | 'root' // `/` itself, or everything in it
  | 'home' // `~` itself, or everything in it
  | 'workspace' // the workspace root itself, or everything in it
  | 'inside' // a path strictly inside the workspace
  | 'temp' // under /tmp or /var/tmp
  | 'outside' // any other absolute path, or a path under ~
  | 'unresolved'; // depends on a variable or directory we cannot know

export interface ClassifiedPath {
  readonly place: PathPlace;
  /** The normalised path, `~` standing for the home directory; `undefined` when unresolved. */
  readonly resolved: string | undefined;
  /** An unset variable would turn this path into `/` (`rm -rf "$DIR/"`). */
  readonly emptyVariableIsRoot: boolean;
}

const HOME_VARIABLE = /^(\$HOME|\$\{HOME\})(?=\/|$)/;
const PWD_VARIABLE = /^(\$PWD|\$\{PWD\})(?=\/|$)/;
const TMP_VARIABLE = /^(\$TMPDIR|\$\{TMPDIR\})(?=\/|$)/;
/** A trailing glob that means "everything in this folder", which for a delete is the folder itself. */
const CONTENTS_GLOB = /\/(\*|\.\*|\*\*|\.\[!.\]\*|\{\*,\.\*\})$/;

export function classifyPath(raw: string, workspaceRoot: string, cwd: string): ClassifiedPath {
  let value = raw.replace(HOME_VARIABLE, '~').replace(PWD_VARIABLE, cwd).replace(TMP_VARIABLE, '/tmp');
  const emptyVariableIsRoot = /^\$\{?\w+\}?\/*(\*|\.\*)?$/.test(value) && /\//.test(value);
  if (value.startsWith('$') || value.startsWith('`'))
    return { place: 'unresolved', resolved: undefined, emptyVariableIsRoot };
  // A variable further in (`build/$X`) stays inside whatever its prefix is.
  value = value.replace(/\$\{?\w+\}?|\$\([^)]*\)|`[^`]*`/g, '_var_');
  if (value === '*' || value === '.*' || value === './*') value = '.';
  value = value.replace(CONTENTS_GLOB, '') || (value.startsWith('/') ? '/' : '.');
  if (value.startsWith('~')) {
    const rest = value.replace(/^~[^/]*/, '');
    const resolved = path.posix.join('~', path.posix.normalize(`/${rest}`));
    return {
      place: resolved === '~' || resolved === '~/' ? 'home' : 'outside',
      resolved,
      emptyVariableIsRoot,
    };
  }
  let base = cwd;
  if (!value.startsWith('/')) {
    if (cwd === '?') return { place: 'unresolved', resolved: undefined, emptyVariableIsRoot };
    if (cwd.startsWith('~')) {
      const resolved = path.posix.join('~', path.posix.normalize(`/${cwd.slice(1)}/${value}`));
      return { place: resolved === '~' ? 'home' : 'outside', resolved, emptyVariableIsRoot };
    }
  } else {
    base = '/';
  }
  const resolved = path.posix.resolve(base, value);
  return { place: placeOf(resolved, workspaceRoot), resolved, emptyVariableIsRoot };
}

function placeOf(resolved: string, workspaceRoot: string): PathPlace {
  const root = path.posix.resolve('/', workspaceRoot);
  if (resolved === '/') return 'root';
  if (resolved === root) return 'workspace';
  if (resolved.startsWith(`${root}/`)) return 'inside';
  if (/^\/(var\/)?tmp\/./.test(resolved)) return 'temp';
  return 'outside';
}

/** System locations: writing, chmod-ing or chown-ing here changes the machine, not the project. */
export const SYSTEM_PATH =
  /^\/(etc|usr|bin|sbin|lib|lib32|lib64|boot|sys|proc|root|var(?!\/tmp)|opt|srv|dev)(\/|$)/;

/** Files in the home directory that run code at login or hold keys: writing them is persistence. */
export const HOME_STARTUP_FILE =
  /^~\/(\.bashrc|\.bash_profile|\.bash_login|\.bash_logout|\.profile|\.zshrc|\.zprofile|\.zshenv|\.zlogin|\.zlogout|\.kshrc|\.mkshrc|\.inputrc|\.xprofile|\.xinitrc|\.pam_environment|\.ssh(\/|$)|\.config\/(autostart|fish|git\/config|environment\.d|pip|systemd)|\.gitconfig|\.npmrc|\.yarnrc|\.pypirc|\.netrc|\.pythonrc|\.local\/bin|\.local\/lib\/python)/;

import { lstat, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { WorkspacePathError } from './workspace.js';

/**
 * Resolves `path` to the real path the host will touch and refuses anything outside `realRoot`.
 * Symlinks are followed first and checked after (`realpath`), so neither `..` nor a link to /etc or
 * /proc/self/environ gets a file tool out of the checkout. A path that does not exist yet resolves
 * through its nearest existing ancestor.
 */
export async function resolveWorkspacePath(realRoot: string, path: string): Promise<string> {
  const absolute = isAbsolute(path) ? resolve(path) : resolve(realRoot, path);
  const real = await realOrNearest(absolute, path, 0);
  if (!isInside(realRoot, real)) {
    throw new WorkspacePathError(path, `The path ${path} is outside the workspace ${realRoot}.`);
  }
  return real;
}

export function isInside(root: string, candidate: string): boolean {
  if (candidate === root) return true;
  const rel = relative(root, candidate);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

async function realOrNearest(absolute: string, original: string, depth: number): Promise<string> {
  try {
    return await realpath(absolute);
  } catch (error) {
    if (!isErrno(error, 'ENOENT') && !isErrno(error, 'ENOTDIR')) throw pathError(original, error);
  }
  // realpath fails on a dangling symlink too; writing through it would create its target wherever
  // that is, so it is refused rather than treated as a new file.
  const entry = await lstat(absolute).catch(() => null);
  if (entry?.isSymbolicLink()) {
    throw new WorkspacePathError(original, `The path ${original} is a symbolic link to a missing target.`);
  }
  const parent = dirname(absolute);
  if (parent === absolute || depth > 256) return absolute;
  return resolve(await realOrNearest(parent, original, depth + 1), basename(absolute));
}

function pathError(path: string, cause: unknown): WorkspacePathError {
  const error = new WorkspacePathError(path, `The path ${path} cannot be resolved.`);
  error.cause = cause;
  return error;
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}

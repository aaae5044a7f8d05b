import type { z } from 'zod';
import type { RepoConfigProblem } from './repo-config-error.js';

/**
 * Turns zod's issues into "which key, what is expected" lines a repository owner can act on. An
 * unknown key also lists the keys that are allowed there, since it is most often a typo.
 */
export function formatConfigIssues(error: z.ZodError, allowedKeys: readonly string[]): RepoConfigProblem[] {
  return error.issues.flatMap((issue): RepoConfigProblem[] => {
    const at = keyPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      const hint = issue.path.length === 0 ? `; allowed keys: ${allowedKeys.join(', ')}` : '';
      return issue.keys.map((key) => ({
        key: at === '(file)' ? key : `${at}.${key}`,
        expected: `unknown key${hint}`,
      }));
    }
    return [{ key: at, expected: issue.message }];
  });
}

function keyPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(file)';
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

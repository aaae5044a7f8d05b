import type { TriggerPermissionLevel } from '../repo-config/repo-config.schema.js';
import { checkTriggerPermission, type TriggerPermission } from './check-trigger-permission.js';
import type { GitHubClient } from './github-client.js';

export type PermissionChecker = (login: string, accountType?: string) => Promise<TriggerPermission>;

/**
 * A permission check memoised per login for the length of one job: gathering a PR's context asks
 * about every distinct comment author, and each is asked once. Logins are case-insensitive on GitHub.
 */
export function createPermissionChecker(
  octokit: GitHubClient,
  options: { owner: string; repo: string; allowed?: readonly TriggerPermissionLevel[] },
): PermissionChecker {
  const cache = new Map<string, Promise<TriggerPermission>>();
  return (login, accountType) => {
    const key = `${login.toLowerCase()}\0${accountType ?? ''}`;
    let result = cache.get(key);
    if (!result) {
      result = checkTriggerPermission(octokit, {
        owner: options.owner,
        repo: options.repo,
        login,
        ...(accountType !== undefined ? { accountType } : {}),
        ...(options.allowed ? { allowed: options.allowed } : {}),
      });
      // A failed check is not cached: the job's retry asks again.
      result.catch(() => cache.delete(key));
      cache.set(key, result);
    }
    return result;
  };
}

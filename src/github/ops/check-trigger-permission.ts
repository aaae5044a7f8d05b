import { TRIGGER_PERMISSION_LEVELS, type TriggerPermissionLevel } from '../repo-config/repo-config.schema.js';
import type { GitHubClient } from './github-client.js';
import { httpStatusOf } from './http-status-of.js';

export type RepositoryPermission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

export type TriggerPermission =
  | { readonly allowed: true; readonly login: string; readonly permission: TriggerPermissionLevel }
  | {
      readonly allowed: false;
      readonly login: string;
      readonly reason: 'bot' | 'insufficient_permission';
      /** What GitHub reported; null when it was never asked (a bot) or knows no such user. */
      readonly permission: RepositoryPermission | null;
    };

export interface CheckTriggerPermissionOptions {
  readonly owner: string;
  readonly repo: string;
  readonly login: string;
  /** The account type from the webhook (`User`, `Bot`, `Organization`), when known. */
  readonly accountType?: string;
  /** Levels allowed to trigger (the repository config's `triggerPermissions`); default write and up. */
  readonly allowed?: readonly TriggerPermissionLevel[];
}

const STANDARD_ROLES: ReadonlySet<string> = new Set(['admin', 'maintain', 'write', 'triage', 'read']);

/**
 * Asks GitHub, on every trigger, what the user may do on the repository. Never decided by login
 * suffix or `author_association` (both describe the past or can be spoofed); bots are refused before
 * and after the call, so handsbot never answers itself or another app. A 404 (unknown user) is a
 * denial; any other error propagates so the job retries it.
 */
export async function checkTriggerPermission(
  octokit: GitHubClient,
  { owner, repo, login, accountType, allowed = TRIGGER_PERMISSION_LEVELS }: CheckTriggerPermissionOptions,
): Promise<TriggerPermission> {
  // The suffix may only ever deny: it saves a request for an account that cannot be allowed anyway.
  if (accountType === 'Bot' || login.endsWith('[bot]')) {
    return { allowed: false, login, reason: 'bot', permission: null };
  }
  let data: Awaited<ReturnType<GitHubClient['rest']['repos']['getCollaboratorPermissionLevel']>>['data'];
  try {
    ({ data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username: login }));
  } catch (error) {
    if (httpStatusOf(error) === 404) {
      return { allowed: false, login, reason: 'insufficient_permission', permission: null };
    }
    throw error;
  }
  if (data.user?.type === 'Bot') return { allowed: false, login, reason: 'bot', permission: null };
  const permission = effectivePermission(data.permission, data.role_name);
  const level = allowed.find((l) => l === permission);
  return level
    ? { allowed: true, login, permission: level }
    : { allowed: false, login, reason: 'insufficient_permission', permission };
}

/**
 * `permission` is the legacy field (maintain reads as write, triage as read); `role_name` tells the
 * standard roles apart. A custom role falls back to its base permission: never more than that.
 */
function effectivePermission(permission: string, roleName: string): RepositoryPermission {
  if (STANDARD_ROLES.has(roleName)) return roleName as RepositoryPermission;
  switch (permission) {
    case 'admin':
    case 'write':
    case 'read':
      return permission;
    default:
      return 'none';
  }
}

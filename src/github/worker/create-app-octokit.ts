import { createAppAuth } from '@octokit/auth-app';
import { request as octokitRequest } from '@octokit/request';
import { createOctokit, type OctokitLogger } from '../ops/create-octokit.js';
import type { GitHubClient } from '../ops/github-client.js';

export interface CreateAppOctokitOptions {
  readonly appId: number;
  /** The PEM (as `resolveAppCredentials` returns it). */
  readonly privateKey: string;
  /** REST root: `config.githubApp.baseUrl` (GitHub Enterprise Server: `<host>/api/v3`). */
  readonly baseUrl: string;
  readonly logger?: OctokitLogger;
  /** Off in tests, so nock sees each request exactly once. */
  readonly retry?: boolean;
  readonly throttle?: boolean;
  /** A token with less life than this left is replaced before it is handed out (default 5 min). */
  readonly minTokenLifeMs?: number;
  readonly now?: () => number;
}

export interface AppOctokit {
  /** Authenticated as the app itself, with an app JWT: GitHub takes it only on the `/app` endpoints. */
  readonly asApp: GitHubClient;
  /**
   * No credentials at all, for what GitHub shows anyone (a user's public profile): an app JWT is
   * refused outside `/app`, and an installation token needs an installation the worker may not have.
   */
  readonly anonymous: GitHubClient;
  /** The installation's Octokit, made once and kept: its auth renews the token before it expires. */
  octokitFor(installationId: number): Promise<GitHubClient>;
  /** A token for a git push: memory only, never logged, never in job data or on disk. */
  installationToken(installationId: number): Promise<string>;
}

/**
 * Installation clients from the app's own credentials, through the app JWT flow of
 * `@octokit/auth-app` (which caches installation tokens and mints a new one when the cached one
 * nears expiry), with the retry and throttling plugins of `createOctokit` and the GHES base URL.
 */
export function createAppOctokit(options: CreateAppOctokitOptions): AppOctokit {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const minLife = options.minTokenLifeMs ?? 5 * 60_000;
  const now = options.now ?? Date.now;
  const clients = new Map<number, GitHubClient>();
  const auth = createAppAuth({
    appId: options.appId,
    privateKey: options.privateKey,
    request: octokitRequest.defaults({ baseUrl, headers: { 'user-agent': 'handsbot' } }),
  });
  const common = {
    baseUrl,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.retry !== undefined ? { retry: options.retry } : {}),
    ...(options.throttle !== undefined ? { throttle: options.throttle } : {}),
  };

  return {
    asApp: createOctokit({
      ...common,
      authStrategy: createAppAuth,
      auth: { appId: options.appId, privateKey: options.privateKey },
    }),
    anonymous: createOctokit(common),

    async octokitFor(installationId) {
      let client = clients.get(installationId);
      if (!client) {
        client = createOctokit({
          ...common,
          authStrategy: createAppAuth,
          auth: { appId: options.appId, privateKey: options.privateKey, installationId },
        });
        clients.set(installationId, client);
      }
      return client;
    },

    async installationToken(installationId) {
      let minted = await auth({ type: 'installation', installationId });
      // A cached token about to expire could die mid-push: take a new one instead.
      if (Date.parse(minted.expiresAt) - now() < minLife) {
        minted = await auth({ type: 'installation', installationId, refresh: true });
      }
      return minted.token;
    },
  };
}

import type { GitHubClient } from '../ops/github-client.js';
import { httpStatusOf } from '../ops/http-status-of.js';

/** Who the app is on GitHub: learnt once at worker start-up, then handed around as configuration. */
export interface AppIdentity {
  /** The app's bot account, `<slug>[bot]`: the author of its comments and pull requests. */
  readonly login: string;
  /** The git author and committer name of its commits. */
  readonly name: string;
  /**
   * `<bot user id>+<slug>[bot]@users.noreply.github.com`: the one address GitHub attributes to the
   * bot account. The id is the bot user's, not the app's; with any other id the commit shows no author.
   */
  readonly email: string;
}

export class AppIdentityError extends Error {
  override readonly name = 'AppIdentityError';
}

export interface ResolveAppIdentityClients {
  /** Authenticated as the app (`createAppOctokit().asApp`), for `GET /app`. */
  readonly asApp: GitHubClient;
  /** Without credentials (`createAppOctokit().anonymous`), for the bot's public profile. */
  readonly anonymous: GitHubClient;
}

/**
 * Asks GitHub who the app is: its slug (the name it was registered under, so not necessarily
 * "handsbot") from `GET /app`, then its bot account's user id from `GET /users/<slug>[bot]`. The
 * clients' retry plugin rides out a passing network error or 5xx; what is left fails the start-up
 * with the request and the reason named.
 */
export async function resolveAppIdentity(clients: ResolveAppIdentityClients): Promise<AppIdentity> {
  // The full address in messages: a wrong GHE_HOST is a likely cause, and it shows there.
  const root = clients.asApp.request.endpoint.DEFAULTS.baseUrl;
  const app = await ask(`GET ${root}/app`, () => clients.asApp.rest.apps.getAuthenticated());
  const slug = app.data?.slug;
  if (!slug) throw new AppIdentityError('GitHub’s answer to GET /app named no app slug');
  const login = `${slug}[bot]`;
  const user = await ask(`GET ${root}/users/${login}`, () =>
    clients.anonymous.rest.users.getByUsername({ username: login }),
  );
  return { login, name: login, email: `${user.data.id}+${login}@users.noreply.github.com` };
}

async function ask<T>(request: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new AppIdentityError(
      `could not learn the GitHub App’s identity: ${request} ${reason(request, error)}`,
      { cause: error },
    );
  }
}

function reason(request: string, error: unknown): string {
  const status = httpStatusOf(error);
  const asksForApp = request.endsWith('/app');
  if (status === 401 && asksForApp)
    return 'was refused (401): check that APP_ID and the private key are this app’s';
  if (status === 404 && !asksForApp) return 'found no such user (404)';
  const detail = error instanceof Error ? error.message : String(error);
  return status === undefined ? `failed: ${detail}` : `answered ${status}: ${detail}`;
}

import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';

/** Octokit with the REST methods, pagination, retries of 5xx and network errors, and rate-limit waits. */
export const HandsbotOctokit = Octokit.plugin(retry, throttling);
export type HandsbotOctokitInstance = InstanceType<typeof HandsbotOctokit>;

type OctokitOptions = NonNullable<ConstructorParameters<typeof Octokit>[0]>;

export interface OctokitLogger {
  warn(details: object, message: string): void;
}

export interface CreateOctokitOptions {
  /** An installation token, or the options of `authStrategy` (e.g. `@octokit/auth-app`). */
  readonly auth?: OctokitOptions['auth'];
  readonly authStrategy?: OctokitOptions['authStrategy'];
  /** REST root: `config.githubApp.baseUrl` (`<protocol>://<GHE_HOST>/api/v3` on Enterprise Server). */
  readonly baseUrl?: string;
  /** Off in tests, so nock sees each request exactly once and nothing waits. */
  readonly retry?: boolean;
  readonly throttle?: boolean;
  /** Rate-limited requests are retried this many times after waiting `retry-after`; then they fail. */
  readonly rateLimitRetries?: number;
  readonly logger?: OctokitLogger;
  /** Octokit's own request log (`debug`/`info`/`warn`/`error`); a pino child logger fits. */
  readonly log?: OctokitOptions['log'];
  readonly userAgent?: string;
}

/**
 * The worker's Octokit when it does not use Probot's: the same plugins Probot uses (retry and
 * throttling, which waits out `retry-after` and secondary rate limits instead of hammering), and
 * GitHub Enterprise Server through `baseUrl`; GraphQL follows it to `/api/graphql` by itself.
 */
export function createOctokit(options: CreateOctokitOptions = {}): HandsbotOctokitInstance {
  const retries = options.rateLimitRetries ?? 2;
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      options.logger?.warn(
        { retryAfter, method: request.method, url: request.url, retryCount },
        `GitHub ${kind} rate limit`,
      );
      return retryCount < retries;
    };
  return new HandsbotOctokit({
    ...(options.auth !== undefined ? { auth: options.auth } : {}),
    ...(options.authStrategy ? { authStrategy: options.authStrategy } : {}),
    ...(options.baseUrl ? { baseUrl: options.baseUrl.replace(/\/+$/, '') } : {}),
    ...(options.log ? { log: options.log } : {}),
    userAgent: options.userAgent ?? 'handsbot',
    retry: { enabled: options.retry ?? true },
    throttle:
      options.throttle === false
        ? { enabled: false }
        : { onRateLimit: onLimit('primary'), onSecondaryRateLimit: onLimit('secondary') },
  });
}

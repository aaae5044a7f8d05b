import { type Logger, Probot, type ProbotOctokit, Server } from 'probot';
import type { Config } from '../../config/index.js';
import { createHandsbotApp } from './create-handsbot-app.js';
import { GitHubAppConfigError, resolveAppCredentials } from './resolve-app-credentials.js';
import type { RunQueue } from './run-queue.js';

export interface WebServerOptions {
  readonly config: Pick<Config, 'githubApp'>;
  readonly queue: RunQueue;
  readonly logger: Logger;
  /** Tests pass `ProbotOctokit.defaults(...)` without retries and throttling. */
  readonly Octokit?: typeof ProbotOctokit;
  /** Where a lone `.pem` file is looked for when no key variable is set (Probot's rule). */
  readonly cwd?: string;
}

export interface WebServer {
  /** Where webhooks are received, e.g. `http://127.0.0.1:3000/api/github/webhooks`. */
  readonly webhookUrl: string;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Runs Probot's HTTP server with the handsbot app: signature checks and the 10-second answer are
 * Probot's, the handlers only enqueue. Besides webhooks it answers `GET /ping` (for health checks).
 * Throws `GitHubAppConfigError` naming each missing variable before anything listens.
 */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const github = options.config.githubApp;
  const check = resolveAppCredentials(github, options.cwd ? { cwd: options.cwd } : {});
  if (!check.ok) throw new GitHubAppConfigError(check.problems);
  const { appId, privateKey, webhookSecret } = check.credentials;
  const logger = options.logger;
  const server = new Server({
    Probot: Probot.defaults({
      appId,
      privateKey,
      secret: webhookSecret,
      baseUrl: github.baseUrl,
      log: logger,
      ...(options.Octokit ? { Octokit: options.Octokit } : {}),
    }),
    log: logger,
    port: github.port,
    ...(github.host ? { host: github.host } : {}),
    webhookPath: github.webhookPath,
    ...(github.webhookProxyUrl ? { webhookProxy: github.webhookProxyUrl } : {}),
    // Probot's static files serve its setup pages' assets; a configured app has no use for them.
    enableStaticFiles: false,
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  await server.load(createHandsbotApp({ queue: options.queue, config: options.config, logger }));
  await server.start();
  return {
    webhookUrl: `http://${server.host}:${server.port}${github.webhookPath}`,
    port: server.port,
    stop: () => server.stop(),
  };
}

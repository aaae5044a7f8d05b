import type { Logger } from 'pino';
import { connectRedis } from '../../../jobs/connect-redis.js';
import { RunQueue } from '../../../jobs/run-queue.js';
import type { Config } from '../../config/index.js';
import { GitHubAppConfigError, resolveAppCredentials } from './resolve-app-credentials.js';
import { startSetupFlow } from './start-setup-flow.js';
import { startWebServer, type WebServer } from './start-web-server.js';

export interface WebProcessOptions {
  /** The environment as loaded (`loadEnvironment`): Probot's setup flow reads its own variables from it. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly config: Config;
  readonly logger: Logger;
  readonly cwd?: string;
}

export interface WebProcess extends WebServer {
  /** `setup`: no app registered yet, Probot's registration page is served instead of webhooks. */
  readonly mode: 'setup' | 'webhooks';
}

/**
 * The web process (`npm start`, `handsbot serve`): with credentials, Probot's server enqueueing into the
 * BullMQ queue on REDIS_URL (workers run elsewhere); without an app at all, Probot's setup flow. A
 * partly configured app (say, no WEBHOOK_SECRET) is an error naming what is missing, never a
 * setup page that would register a second app. Redis is checked before the server listens, so no
 * webhook is accepted that could not be queued.
 */
export async function serveWebProcess(options: WebProcessOptions): Promise<WebProcess> {
  const { config, logger } = options;
  const check = resolveAppCredentials(config.githubApp, options.cwd ? { cwd: options.cwd } : {});
  if (!check.ok) {
    if (!check.needsSetup) throw new GitHubAppConfigError(check.problems);
    logger.warn({ problems: check.problems }, 'no GitHub App configured: running the setup flow');
    return { mode: 'setup', ...(await startSetupFlow({ env: options.env, logger })) };
  }
  const redis = await connectRedis(config.jobs.redisUrl);
  const queue = new RunQueue({
    connection: redis,
    prefix: config.jobs.queuePrefix,
    attempts: config.jobs.attempts,
    backoffMs: config.jobs.backoffMs,
  });
  const closeQueue = async () => {
    await queue.close();
    await redis.quit();
  };
  let server: WebServer;
  try {
    server = await startWebServer({ config, queue, logger, ...(options.cwd ? { cwd: options.cwd } : {}) });
  } catch (error) {
    await closeQueue();
    throw error;
  }
  return {
    mode: 'webhooks',
    webhookUrl: server.webhookUrl,
    port: server.port,
    async stop() {
      // Stop taking webhooks first, then let the queue's connections go.
      await server.stop();
      await closeQueue();
    },
  };
}

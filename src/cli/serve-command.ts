import { serveWebProcess } from '../github/app/serve-web-process.js';
import { createLogger } from '../runtime/create-logger.js';
import type { CliContext } from './cli-context.js';

/**
 * `handsbot serve`: the Probot web server, which only verifies, recognises and enqueues (workers run
 * the jobs, elsewhere or in `handsbot start`). Without a registered app, Probot's setup flow.
 */
export async function serveCommand(ctx: CliContext): Promise<number> {
  const logger = createLogger(ctx.config, 'handsbot-web');
  const web = await serveWebProcess({ env: ctx.env, config: ctx.config, logger });
  logger.info({ mode: web.mode, url: web.webhookUrl }, 'web process ready');
  await untilSignalled();
  logger.info('stopping');
  await web.stop();
  return 0;
}

/** Resolves on the first SIGINT or SIGTERM. */
export function untilSignalled(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.once('SIGINT', on);
    process.once('SIGTERM', on);
  });
}

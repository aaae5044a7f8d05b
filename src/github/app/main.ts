import { pino } from 'pino';
import { ConfigError, loadConfig, loadEnvironment } from '../../config/index.js';
import { createLogger } from '../../runtime/create-logger.js';
import { serveWebProcess } from './serve-web-process.js';

/**
 * `npm start`: the web process. Wiring only; what it does is `serveWebProcess`. Exits non-zero with
 * the reason when the configuration is wrong or Redis is unreachable; stops on SIGINT and SIGTERM.
 */
async function main(): Promise<void> {
  const env = loadEnvironment();
  const bootLogger = pino({ name: 'handsbot-web' });
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    bootLogger.fatal({ problems: error.problems }, 'invalid configuration');
    process.exitCode = 1;
    return;
  }
  const logger = createLogger(config, 'handsbot-web');
  const web = await serveWebProcess({ env, config, logger });
  logger.info({ mode: web.mode, url: web.webhookUrl }, 'web process ready');
  const stop = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'stopping');
    web.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'stopping failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  pino({ name: 'handsbot-web' }).fatal({ err: error }, 'the web process could not start');
  process.exitCode = 1;
});

import { startAppProcess } from '../../jobs/start-app-process.js';
import { runUntilSignalled, startWorkerProcess } from '../../jobs/start-worker-process.js';
import { startWebServer } from '../github/app/start-web-server.js';
import { createLogger } from '../runtime/create-logger.js';
import type { CliContext } from './cli-context.js';
import { composeWorker } from './compose-worker.js';

/**
 * `handsbot worker` runs jobs from the queue; `handsbot start` runs the web server and a worker in one
 * process for small installs. On SIGINT/SIGTERM the runs pause at their next step boundary (their logs
 * are the checkpoint) and go back to the queue for another worker, within the shutdown grace period.
 */
export async function workerCommand(ctx: CliContext, options: { withWeb: boolean }): Promise<number> {
  const { config } = ctx;
  const logger = createLogger(config, options.withWeb ? 'handsbot' : 'handsbot-worker');
  const composed = await composeWorker(config, logger);
  const running = options.withWeb
    ? await startAppProcess({ config, logger, ...composed, startWebServer })
    : await startWorkerProcess({ config, logger, ...composed });
  logger.info(options.withWeb ? 'web server and worker ready' : 'worker ready');
  runUntilSignalled({
    logger,
    graceMs: config.jobs.shutdownGraceMs,
    close: async () => {
      try {
        await running.close();
      } finally {
        await composed.close();
      }
    },
  });
  // The process lives on until a signal; runUntilSignalled exits it.
  return 0;
}

import type { Logger } from 'pino';
import type { RunQueue } from './run-queue.js';
import { startWorkerProcess, type WorkerProcess, type WorkerProcessOptions } from './start-worker-process.js';

export interface AppProcess<W> {
  readonly worker: WorkerProcess;
  readonly web: W;
  close(): Promise<void>;
}

/**
 * What `handsbot start` runs for small installs: the web server and a worker in one process, sharing
 * one Redis connection and one queue. Redis is checked first, so a wrong REDIS_URL fails before the
 * server accepts webhooks it could not queue. The web server comes in as a function (the CLI passes
 * `startWebServer` from src/github/app): jobs/ sits below the GitHub layer and never imports it.
 */
export async function startAppProcess<
  C extends WorkerProcessOptions['config'],
  W extends { stop(): Promise<void> },
>(
  options: Omit<WorkerProcessOptions, 'config'> & {
    config: C;
    startWebServer: (options: { config: C; queue: RunQueue; logger: Logger }) => Promise<W>;
  },
): Promise<AppProcess<W>> {
  const worker = await startWorkerProcess(options);
  let web: W;
  try {
    web = await options.startWebServer({
      config: options.config,
      queue: worker.queue,
      logger: options.logger,
    });
  } catch (error) {
    await worker.close();
    throw error;
  }
  return {
    worker,
    web,
    async close() {
      // Stop taking webhooks first; then let the runs drain.
      await web.stop();
      await worker.close();
    },
  };
}

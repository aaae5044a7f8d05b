import { afterAll, afterEach, beforeAll } from 'vitest';
import { type E2eEnvironment, type E2eOptions, startE2eEnvironment } from './e2e-environment.js';

/**
 * One end-to-end environment for a test file: started before its tests (and handed to `started`),
 * described on the console when a test fails (processes' logs, comments, event logs), closed after.
 */
export function useE2eEnvironment(options: E2eOptions, started: (env: E2eEnvironment) => void): void {
  let env: E2eEnvironment | undefined;
  beforeAll(async () => {
    env = await startE2eEnvironment(options);
    started(env);
  }, 120_000);
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') console.error(await env?.diagnostics());
  });
  afterAll(async () => {
    await env?.close();
  }, 60_000);
}

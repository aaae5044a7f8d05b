import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { E2eEnvironment } from '../e2e/support/e2e-environment.js';
import { FULL } from '../e2e/support/e2e-environment.js';
import { INSTALLATION_ID } from '../github-standin/standin-fixture.js';
import type { DemoPrinter } from './print.js';

/** The URL `handsbot serve` said it receives webhooks at. */
export function webhookUrl(env: E2eEnvironment): string {
  const ready = env.web.logs().find((line) => line.msg === 'web process ready');
  return typeof ready?.url === 'string' ? ready.url : '(unknown)';
}

/**
 * `--keep`: everything stays up for a person to poke at until `stopped` resolves (Ctrl-C). The
 * processes' output is mirrored into the data dir once a second, so it can be read with `tail -f`.
 */
export async function keepRunning(
  env: E2eEnvironment,
  where: { readonly redisUrl: string; readonly runId: string | undefined },
  out: DemoPrinter,
  stopped: Promise<unknown>,
): Promise<void> {
  const { standin } = env;
  // A token like the ones the worker gets, valid for an hour, so curl and git can act as the app.
  const token = standin.mintToken(INSTALLATION_ID);
  const gitUrl = new URL(standin.gitUrl(FULL));
  gitUrl.username = 'x-access-token';
  gitUrl.password = token;
  const logs = path.join(env.dataDir, 'logs');
  const mirror = async () => {
    await mkdir(logs, { recursive: true });
    for (const p of [env.web, ...env.workers]) {
      await writeFile(path.join(logs, `${p.command}-${p.pid}.log`), p.output());
    }
  };
  await mirror();

  out.section(
    'Still running (--keep); Ctrl-C stops everything',
    [
      `GitHub stand-in REST API  ${standin.url}/api/v3   (as the app: -H "Authorization: token ${token}", valid 1 h)`,
      `  e.g. curl -s -H "Authorization: token ${token}" ${standin.url}/api/v3/repos/${FULL}/pulls`,
      `Webhook URL (handsbot serve)  ${webhookUrl(env)}`,
      `Git URL of ${FULL}  ${standin.gitUrl(FULL)}`,
      `  e.g. git clone ${gitUrl.href}`,
      `  bare repository on disk: ${env.gitDir}`,
      `Data dir (HANDSBOT_DATA_DIR)  ${env.dataDir}`,
      "  the worker's git mirrors and checkouts; the processes' logs in logs/ (refreshed every second)",
      `Scripted LLM  ${env.llm.openaiBaseUrl}`,
      `Redis  ${where.redisUrl}   (the queue's keys and the event logs under ${env.queuePrefix}:)`,
      ...(where.runId
        ? [
            // The processes run with HANDSBOT_EVENT_STORE=redis: the run's log is a stream, one event per entry.
            `  the run's event log: redis-cli -u ${where.redisUrl} XRANGE ${env.queuePrefix}:run:${where.runId}:events - +`,
          ]
        : []),
    ].join('\n'),
  );
  const timer = setInterval(() => void mirror().catch(() => undefined), 1_000);
  try {
    await stopped;
  } finally {
    clearInterval(timer);
  }
}

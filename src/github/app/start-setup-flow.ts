import { type Logger, run } from 'probot';
import type { WebServer } from './start-web-server.js';

export interface SetupFlowOptions {
  /** The environment as loaded (with `.env`): Probot reads HOST, PORT, GHE_HOST, WEBHOOK_PROXY_URL… from it. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger: Logger;
}

/**
 * Probot's first-run flow, for a machine with no app yet: a page at `/probot` registers a GitHub App
 * from `app.yml` (GitHub's manifest flow) and writes APP_ID, PRIVATE_KEY and WEBHOOK_SECRET to `.env`;
 * restarting then serves webhooks. Outside production, Probot also creates a smee.io channel unless
 * WEBHOOK_PROXY_URL or NO_SMEE_SETUP=true is set. Probot's `run` does all of it when the credentials are
 * missing; call this only when `resolveAppCredentials` says `needsSetup`.
 */
export async function startSetupFlow(options: SetupFlowOptions): Promise<WebServer> {
  const server = await run(
    () => {
      // run() only loads an app when it finds credentials; ours are missing, so this is a disagreement
      // about the key (e.g. a .pem file appeared): fail loudly rather than serve webhooks to nothing.
      throw new Error('Probot found GitHub App credentials after all; restart to serve webhooks');
    },
    { env: { ...options.env }, log: options.logger },
  );
  return {
    webhookUrl: `http://${server.host}:${server.port}/probot`,
    port: server.port,
    stop: () => server.stop(),
  };
}

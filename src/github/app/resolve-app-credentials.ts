import { getPrivateKey } from '@probot/get-private-key';
import type { GitHubAppConfig } from '../../config/index.js';

export interface AppCredentials {
  readonly appId: number;
  /** The PEM, with base64 and `\n` escapes undone. */
  readonly privateKey: string;
  readonly webhookSecret: string;
}

export type CredentialsCheck =
  | { readonly ok: true; readonly credentials: AppCredentials }
  | {
      readonly ok: false;
      /** One line per problem, naming the variable. */
      readonly problems: readonly string[];
      /**
       * No app is registered yet (no APP_ID or no key at all, as opposed to a bad one): Probot's setup
       * flow can register it from app.yml.
       */
      readonly needsSetup: boolean;
    };

export class GitHubAppConfigError extends Error {
  override readonly name = 'GitHubAppConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`the GitHub App is not configured:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Checks that the web server has what it needs and says exactly what is missing. The key is found
 * as Probot finds it (PRIVATE_KEY, then PRIVATE_KEY_PATH, then a single `.pem` file in `cwd`), so
 * this check and Probot's setup flow agree on whether an app is configured.
 */
export function resolveAppCredentials(
  config: GitHubAppConfig,
  options: { cwd?: string } = {},
): CredentialsCheck {
  const problems: string[] = [];
  let needsSetup = false;
  if (config.appId === null) {
    problems.push('APP_ID is not set (the GitHub App id)');
    needsSetup = true;
  }
  let privateKey: string | null = null;
  try {
    privateKey = getPrivateKey({
      env: {
        ...(config.privateKey ? { PRIVATE_KEY: config.privateKey } : {}),
        ...(config.privateKeyPath ? { PRIVATE_KEY_PATH: config.privateKeyPath } : {}),
      },
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
  } catch {
    // Its message repeats the variable's name and a path but never the key; ours says the same briefly.
    problems.push(
      config.privateKey
        ? 'PRIVATE_KEY is not a PEM private key (paste the .pem file, base64 or with \\n escapes)'
        : config.privateKeyPath
          ? `PRIVATE_KEY_PATH names no readable file (${config.privateKeyPath})`
          : 'PRIVATE_KEY_PATH is not set and there are several .pem files in the working directory',
    );
  }
  if (privateKey === null && problems.every((p) => !p.startsWith('PRIVATE_KEY'))) {
    problems.push('PRIVATE_KEY or PRIVATE_KEY_PATH is not set (the GitHub App private key)');
    needsSetup = true;
  }
  if (config.webhookSecret === null) {
    problems.push('WEBHOOK_SECRET is not set (the secret GitHub signs deliveries with)');
  }
  if (problems.length > 0 || config.appId === null || privateKey === null || config.webhookSecret === null) {
    return { ok: false, problems, needsSetup };
  }
  return { ok: true, credentials: { appId: config.appId, privateKey, webhookSecret: config.webhookSecret } };
}

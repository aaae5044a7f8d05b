import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppOctokit } from '../../src/github/worker/create-app-octokit.js';
import { AppIdentityError, resolveAppIdentity } from '../../src/github/worker/resolve-app-identity.js';
import { createGitHubStandin, type GitHubStandin } from './create-github-standin.js';

const APP_ID = 321;
const keyPair = () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { publicKey, pem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString() };
};
const keys = keyPair();

describe('resolveAppIdentity against the stand-in', () => {
  let standin: GitHubStandin | undefined;
  afterEach(async () => {
    await standin?.close();
    standin = undefined;
  });

  const identityFrom = async (options: { appSlug?: string; pem?: string } = {}) => {
    standin = await createGitHubStandin({
      appId: APP_ID,
      appPublicKey: keys.publicKey,
      ...(options.appSlug ? { appSlug: options.appSlug } : {}),
    });
    const app = createAppOctokit({
      appId: APP_ID,
      privateKey: options.pem ?? keys.pem,
      baseUrl: `${standin.url}/api/v3`,
      retry: false,
      throttle: false,
    });
    return resolveAppIdentity(app);
  };

  it('names the bot account after the app’s slug and gives the email of the bot user’s id', async () => {
    const identity = await identityFrom();
    const bot = standin?.state.user('handsbot[bot]');
    expect(identity).toEqual({
      login: 'handsbot[bot]',
      name: 'handsbot[bot]',
      email: `${bot?.id}+handsbot[bot]@users.noreply.github.com`,
    });
    // The id is the bot user's, which is no app id.
    expect(bot?.id).not.toBe(APP_ID);
    expect(standin?.requests.map((r) => [r.operationId, r.status])).toEqual([
      ['apps/get-authenticated', 200],
      ['users/get-by-username', 200],
    ]);
    standin?.assertNoViolations();
  });

  it('follows whatever slug the app was registered under', async () => {
    const identity = await identityFrom({ appSlug: 'acme-helper' });
    const bot = standin?.state.user('acme-helper[bot]');
    expect(identity).toEqual({
      login: 'acme-helper[bot]',
      name: 'acme-helper[bot]',
      email: `${bot?.id}+acme-helper[bot]@users.noreply.github.com`,
    });
    // The installation's tokens act as that same account.
    standin?.addInstallation(9);
    const token = standin?.mintToken(9) ?? '';
    expect(standin?.state.tokens.get(token)?.actor).toBe(bot);
    standin?.assertNoViolations();
  });

  it('fails with the request and the reason when GitHub refuses the app’s JWT', async () => {
    const error = await identityFrom({ pem: keyPair().pem }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppIdentityError);
    expect((error as Error).message).toMatch(
      /could not learn the GitHub App’s identity: GET http:\/\/127\.0\.0\.1:\d+\/api\/v3\/app was refused \(401\): check that APP_ID and the private key are this app’s/,
    );
    standin?.assertNoViolations();
  });
});

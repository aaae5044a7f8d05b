import { generateKeyPairSync } from 'node:crypto';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { createAppOctokit } from '../../../src/github/worker/create-app-octokit.js';
import { AppIdentityError, resolveAppIdentity } from '../../../src/github/worker/resolve-app-identity.js';
import { API, useNock } from '../support/github-test-kit.js';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PEM = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

const app = (options: { retry?: boolean } = {}) =>
  createAppOctokit({
    appId: 123,
    privateKey: PEM,
    baseUrl: API,
    retry: options.retry ?? false,
    throttle: false,
  });

describe('resolveAppIdentity', () => {
  useNock();

  it('asks GET /app with the app JWT and the bot’s profile with no credentials', async () => {
    let appAuth: string | undefined;
    let userAuth: string | undefined = 'unset';
    nock(API)
      .get('/app')
      .reply(function () {
        appAuth = this.req.headers.authorization;
        return [200, { id: 123, slug: 'acme-fixer', name: 'Acme Fixer' }];
      })
      .get('/users/acme-fixer%5Bbot%5D')
      .reply(function () {
        userAuth = this.req.headers.authorization;
        return [200, { login: 'acme-fixer[bot]', id: 98765, type: 'Bot' }];
      });
    expect(await resolveAppIdentity(app())).toEqual({
      login: 'acme-fixer[bot]',
      name: 'acme-fixer[bot]',
      email: '98765+acme-fixer[bot]@users.noreply.github.com',
    });
    expect(appAuth).toMatch(/^bearer [\w-]+\.[\w-]+\.[\w-]+$/i);
    expect(userAuth).toBeUndefined();
  });

  it('rides out a network error at start-up with the retry plugin', async () => {
    nock(API)
      .get('/app')
      .replyWithError({ code: 'ECONNRESET', message: 'socket hang up' })
      .get('/app')
      .reply(200, { id: 123, slug: 'handsbot' })
      .get('/users/handsbot%5Bbot%5D')
      .reply(200, { login: 'handsbot[bot]', id: 4242, type: 'Bot' });
    const identity = await resolveAppIdentity(app({ retry: true }));
    expect(identity.email).toBe('4242+handsbot[bot]@users.noreply.github.com');
  });

  it('names the request and the status when GitHub will not say', async () => {
    nock(API).get('/app').reply(401, { message: 'A JSON web token could not be decoded' });
    await expect(resolveAppIdentity(app())).rejects.toThrow(
      new AppIdentityError(
        'could not learn the GitHub App’s identity: GET https://api.github.com/app was refused (401): check that APP_ID and the private key are this app’s',
      ),
    );

    nock(API)
      .get('/app')
      .reply(200, { id: 123, slug: 'handsbot' })
      .get('/users/handsbot%5Bbot%5D')
      .reply(404, { message: 'Not Found' });
    await expect(resolveAppIdentity(app())).rejects.toThrow(
      /GET https:\/\/api\.github\.com\/users\/handsbot\[bot\] found no such user \(404\)/,
    );

    nock(API).get('/app').reply(502, { message: 'Bad gateway' });
    await expect(resolveAppIdentity(app())).rejects.toThrow(
      /GET https:\/\/api\.github\.com\/app answered 502/,
    );
  });
});

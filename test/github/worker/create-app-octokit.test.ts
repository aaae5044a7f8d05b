import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { createAppOctokit } from '../../../src/github/worker/create-app-octokit.js';
import { API, OWNER, REPO, useNock } from '../support/github-test-kit.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PEM = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const TOKEN = 'ghs_installation_token_from_the_jwt_flow_0001';

/** Checks the bearer is a JWT for app 123 signed with the app's key (RS256). */
function isAppJwt(authorization: string | undefined): boolean {
  const jwt = authorization?.replace(/^bearer /i, '') ?? '';
  const [header, payload, signature] = jwt.split('.');
  if (!header || !payload || !signature) return false;
  const ok = verify(
    'RSA-SHA256',
    Buffer.from(`${header}.${payload}`),
    createPublicKey(publicKey.export({ type: 'spki', format: 'pem' })),
    Buffer.from(signature, 'base64url'),
  );
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { iss?: unknown };
  return ok && String(claims.iss) === '123';
}

describe('createAppOctokit', () => {
  useNock();
  const expiresAt = () => new Date(Date.now() + 60 * 60_000).toISOString();

  it('mints an installation token through the app JWT and uses it for the installation’s requests', async () => {
    let jwtOk = false;
    const scope = nock(API)
      .post('/app/installations/77/access_tokens')
      .reply(function () {
        jwtOk = isAppJwt(this.req.headers.authorization);
        return [201, { token: TOKEN, expires_at: expiresAt(), permissions: {}, repository_selection: 'all' }];
      })
      .get(`/repos/${OWNER}/${REPO}`)
      .matchHeader('authorization', `token ${TOKEN}`)
      .reply(200, { default_branch: 'main' });
    const app = createAppOctokit({
      appId: 123,
      privateKey: PEM,
      baseUrl: API,
      retry: false,
      throttle: false,
    });
    const octokit = await app.octokitFor(77);
    const { data } = await octokit.rest.repos.get({ owner: OWNER, repo: REPO });
    expect(data.default_branch).toBe('main');
    expect(jwtOk).toBe(true);
    // The same client is handed out again for the installation.
    expect(await app.octokitFor(77)).toBe(octokit);
    expect(scope.isDone()).toBe(true);
  });

  it('installationToken mints once, reuses a token with life left, and replaces one about to expire', async () => {
    const soon = new Date(Date.now() + 60_000).toISOString();
    const scope = nock(API)
      .post('/app/installations/78/access_tokens')
      .reply(201, { token: 'ghs_short_lived_token_000000000000000001', expires_at: soon })
      .post('/app/installations/78/access_tokens')
      .reply(201, { token: TOKEN, expires_at: expiresAt() });
    const app = createAppOctokit({
      appId: 123,
      privateKey: PEM,
      baseUrl: API,
      retry: false,
      throttle: false,
    });
    expect(await app.installationToken(78)).toBe(TOKEN);
    expect(await app.installationToken(78)).toBe(TOKEN);
    expect(scope.isDone()).toBe(true);
  });

  it('talks to a GitHub Enterprise Server base URL', async () => {
    const ghe = 'https://ghe.example.com/api/v3';
    const scope = nock('https://ghe.example.com')
      .post('/api/v3/app/installations/79/access_tokens')
      .reply(201, { token: TOKEN, expires_at: expiresAt() });
    const app = createAppOctokit({ appId: 123, privateKey: PEM, baseUrl: `${ghe}/` });
    expect(await app.installationToken(79)).toBe(TOKEN);
    expect(scope.isDone()).toBe(true);
  });
});

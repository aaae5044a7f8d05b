import nock from 'nock';
import { afterEach, beforeAll, expect } from 'vitest';
import { createOctokit } from '../../../src/github/ops/create-octokit.js';
import { createRedactor } from '../../../src/security/redactor.js';

export const API = 'https://api.github.com';
export const OWNER = 'acme';
export const REPO = 'widgets';
/** The app's bot account, as resolveAppIdentity would name it for an app registered as "handsbot". */
export const BOT_LOGIN = 'handsbot[bot]';
/** A token shape the redactor masks, to prove text going to GitHub passes it. */
export const PLANTED_TOKEN = 'ghs_0123456789abcdefghijABCDEFGHIJ012345';

/** Octokit as the worker builds it, with retries and throttling off so nock sees each request once. */
export function testOctokit() {
  return createOctokit({ auth: 'test-token', retry: false, throttle: false, log: QUIET });
}

const QUIET = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

export const redact = createRedactor({ secrets: ['super-secret-value-123'] });

/** No request leaves the process; every mocked request must have been made. */
export function useNock(): void {
  beforeAll(() => {
    nock.disableNetConnect();
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  });
}

/** A GraphQL answer for the query whose operation name is `operation`. */
export function graphql(
  operation: string,
  data: unknown,
  check?: (variables: Record<string, unknown>) => boolean,
) {
  return nock(API)
    .post(
      '/graphql',
      (body: { query: string; variables: Record<string, unknown> }) =>
        body.query.includes(operation) && (check ? check(body.variables) : true),
    )
    .reply(200, { data });
}

/**
 * GitHub's answers for reading a repository and its `.github/openhands.yml` on `main`: the file with
 * `yml` in it, or none at all (404).
 */
export function mockRepoConfig(yml?: string): nock.Scope {
  return nock(API)
    .get(`/repos/${OWNER}/${REPO}`)
    .reply(200, { default_branch: 'main' })
    .get(`/repos/${OWNER}/${REPO}/contents/.github%2Fopenhands.yml`)
    .query({ ref: 'main' })
    .reply(
      yml === undefined ? 404 : 200,
      yml === undefined
        ? { message: 'Not Found' }
        : {
            type: 'file',
            encoding: 'base64',
            size: yml.length,
            content: Buffer.from(yml).toString('base64'),
          },
    );
}

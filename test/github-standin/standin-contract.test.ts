import { mkdtemp, readFile, realpath, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { verify } from '@octokit/webhooks-methods';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOctokit } from '../../src/github/ops/create-octokit.js';
import type { GitHubStandin } from './create-github-standin.js';
import { FULL, git, INSTALLATION_ID, OWNER, REPO, standinWithRepo } from './standin-fixture.js';

const basic = (token: string) =>
  `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`;

describe('the stand-in holds requests to GitHub’s contract', () => {
  let standin: GitHubStandin;
  beforeEach(async () => {
    standin = await standinWithRepo();
  });
  afterEach(async () => {
    await standin.close();
  });

  const call = (method: string, route: string, body?: unknown, token = standin.mintToken(INSTALLATION_ID)) =>
    fetch(`${standin.url}${route}`, {
      method,
      headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it('records a comment body of the wrong type as a violation and refuses it with 422', async () => {
    const issue = standin.createIssue(FULL, { title: 't', body: 'b', user: 'maintainer' });
    const response = await call('POST', `/repos/${FULL}/issues/${issue.number}/comments`, { body: 42 });
    expect(response.status).toBe(422);
    expect(issue.comments).toHaveLength(0);
    expect(standin.violations).toEqual([
      expect.objectContaining({
        operationId: 'issues/create-comment',
        problems: ['/requestBody/body must be string'],
      }),
    ]);
    expect(() => standin.assertNoViolations()).toThrow(/issues\/create-comment/);
  });

  it('records an operation it does not know and a GraphQL query handsbot never sends', async () => {
    expect((await call('DELETE', `/repos/${FULL}`)).status).toBe(404);
    const graphql = await call('POST', '/graphql', { query: '{ viewer { login } }' });
    expect(await graphql.json()).toMatchObject({
      errors: [{ message: expect.stringMatching(/unknown GraphQL query/) }],
    });
    expect(standin.violations.map((v) => v.problems[0])).toEqual([
      expect.stringMatching(/DELETE \/repos\/acme\/widgets is not an operation/),
      expect.stringMatching(/unknown GraphQL query/),
    ]);
  });

  it('refuses a REST call with a wrong or expired token, and hides other installations’ repositories', async () => {
    expect((await call('GET', `/repos/${FULL}`, undefined, 'ghs_wrong')).status).toBe(401);
    const actor = standin.state.user('handsbot[bot]');
    standin.state.tokens.set('ghs_expired', {
      installationId: INSTALLATION_ID,
      actor,
      expiresAt: Date.now() - 1,
    });
    expect((await call('GET', `/repos/${FULL}`, undefined, 'ghs_expired')).status).toBe(401);
    standin.addInstallation(99);
    expect((await call('GET', `/repos/${FULL}`, undefined, standin.mintToken(99))).status).toBe(404);
    standin.assertNoViolations();
  });

  it('pages lists with Link headers, so octokit.paginate reads them all', async () => {
    const issue = standin.createIssue(FULL, { title: 't', body: 'b', user: 'maintainer' });
    for (const n of [1, 2, 3]) standin.addComment(FULL, issue.number, { user: 'maintainer', body: `c${n}` });
    const octokit = createOctokit({
      auth: standin.mintToken(INSTALLATION_ID),
      baseUrl: standin.url,
      retry: false,
      throttle: false,
    });
    const all = await octokit.paginate(octokit.rest.issues.listComments, {
      owner: OWNER,
      repo: REPO,
      issue_number: issue.number,
      per_page: 2,
    });
    expect(all.map((c) => c.body)).toEqual(['c1', 'c2', 'c3']);
    expect(standin.requests.filter((r) => r.operationId === 'issues/list-comments')).toHaveLength(2);
    standin.assertNoViolations();
  });

  it('takes a person’s review through REST and shows it as review comments', async () => {
    const created = await call('POST', `/repos/${FULL}/pulls`, {
      title: 'Fix',
      head: 'openhands/fix',
      base: 'main',
      body: 'x',
    });
    const { number } = (await created.json()) as { number: number };
    const review = await call(
      'POST',
      `/repos/${FULL}/pulls/${number}/reviews`,
      { event: 'REQUEST_CHANGES', body: 'Nearly', comments: [{ path: 'src/math.js', line: 2, body: 'Hmm' }] },
      standin.userToken('maintainer'),
    );
    expect(review.status).toBe(200);
    const comments = await (await call('GET', `/repos/${FULL}/pulls/${number}/comments`)).json();
    expect(comments).toEqual([
      expect.objectContaining({
        body: 'Hmm',
        path: 'src/math.js',
        user: expect.objectContaining({ login: 'maintainer' }),
      }),
    ]);
    standin.assertNoViolations();
  });

  it('clones and pushes over git with a minted token, and refuses a wrong one', async () => {
    const token = standin.mintToken(INSTALLATION_ID);
    const dir = await realpath(await mkdtemp(path.join(tmpdir(), 'standin-clone-')));
    await git(dir, '-c', `http.extraHeader=${basic(token)}`, 'clone', '-q', standin.gitUrl(FULL), 'repo');
    const work = path.join(dir, 'repo');
    expect(await readFile(path.join(work, '.github/openhands.yml'), 'utf8')).toContain('maxIterations: 12');
    await git(work, 'checkout', '-q', '-b', 'openhands/other');
    await writeFile(path.join(work, 'NOTES.md'), 'pushed through the stand-in\n');
    await git(work, 'add', '.');
    await git(work, 'commit', '-q', '-m', 'notes');
    await git(work, '-c', `http.extraHeader=${basic(token)}`, 'push', '-q', 'origin', 'openhands/other');
    const bare = standin.state.repo(OWNER, REPO)?.gitDir ?? '';
    expect(await git(bare, 'show', 'openhands/other:NOTES.md')).toBe('pushed through the stand-in\n');

    await expect(
      git(
        dir,
        '-c',
        `http.extraHeader=${basic('ghs_not_a_minted_token')}`,
        'clone',
        '-q',
        standin.gitUrl(FULL),
        'again',
      ),
    ).rejects.toThrow();
    expect(standin.requests.filter((r) => r.path.endsWith('.git/info/refs')).map((r) => r.status)).toEqual([
      200, 200, 401,
    ]);
  });

  it('delivers a webhook signed as GitHub does, built from the example and the stand-in’s state', async () => {
    const seen: { headers: http.IncomingHttpHeaders; body: string }[] = [];
    const app = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on('end', () => {
        seen.push({ headers: req.headers, body });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    try {
      standin.setWebhook(
        `http://127.0.0.1:${(app.address() as AddressInfo).port}/api/github/webhooks`,
        'hook-secret',
      );
      const issue = standin.createIssue(FULL, {
        title: 'add is wrong',
        body: 'It subtracts.',
        user: 'maintainer',
        labels: ['openhands'],
      });
      const delivery = await standin.deliver('issues', 'labeled', {
        repo: FULL,
        number: issue.number,
        sender: 'maintainer',
        overrides: { label: { name: 'openhands' } },
      });
      expect(delivery.status).toBe(200);
      const comment = standin.addComment(FULL, issue.number, { user: 'reader', body: '/agent fix please' });
      await standin.deliver('issue_comment', 'created', {
        repo: FULL,
        number: issue.number,
        comment: comment.id,
      });
      const [received] = seen;
      expect(received?.headers).toMatchObject({
        'x-github-event': 'issues',
        'x-github-delivery': delivery.id,
      });
      expect(
        await verify('hook-secret', received?.body ?? '', String(received?.headers['x-hub-signature-256'])),
      ).toBe(true);
      expect(JSON.parse(received?.body ?? '{}')).toMatchObject({
        action: 'labeled',
        label: { name: 'openhands' },
        installation: { id: INSTALLATION_ID },
        sender: { login: 'maintainer' },
        repository: { full_name: FULL, owner: { login: OWNER }, clone_url: standin.gitUrl(FULL) },
        issue: {
          number: issue.number,
          title: 'add is wrong',
          labels: [expect.objectContaining({ name: 'openhands' })],
        },
      });
    } finally {
      app.closeAllConnections();
      await new Promise<void>((resolve) => app.close(() => resolve()));
    }
  });
});

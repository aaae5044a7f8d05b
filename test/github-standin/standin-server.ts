import { createHash, type KeyObject, randomBytes } from 'node:crypto';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startGitHttpServer } from '../support/git-http-server.js';
import { basicToken, bearerToken, newInstallationToken, toPublicKey, verifyAppJwt } from './app-auth.js';
import { loadGitHubContract } from './contract.js';
import { answerGraphql } from './graphql.js';
import { type Json, Renderer } from './render.js';
import { type RestAnswer, restHandlers } from './rest-handlers.js';
import { StandinState } from './state.js';

export interface StandinViolation {
  readonly method: string;
  readonly path: string;
  readonly operationId: string | null;
  readonly problems: readonly string[];
}

export interface StandinRequestRecord {
  readonly method: string;
  readonly path: string;
  readonly operationId: string | null;
  status: number;
}

export interface StandinServerOptions {
  readonly appId: number;
  /** The app's public key (PEM or KeyObject): app JWTs are checked against it. */
  readonly appPublicKey: string | KeyObject;
  /** Comments made with installation tokens are by `<slug>[bot]`. */
  readonly appSlug?: string;
  /** How long minted tokens live (GitHub: one hour). */
  readonly tokenLifeMs?: number;
}

export interface StandinServer {
  readonly url: string;
  readonly gitRoot: string;
  readonly state: StandinState;
  readonly violations: StandinViolation[];
  readonly requests: StandinRequestRecord[];
  /** An installation token, as `POST /app/installations/{id}/access_tokens` would mint. */
  mintToken(installationId: number): string;
  /** A person's token, for tests that act through REST as someone (a reviewer, say). */
  userToken(login: string): string;
  close(): Promise<void>;
}

const GIT_PATH = /^\/[^/]+\/[^/]+\.git(?:\/|$)/;

/**
 * The HTTP side of the stand-in: REST (every request and answer checked against GitHub's description),
 * GraphQL for handsbot's known queries, and git smart HTTP with GitHub's `x-access-token` basic auth.
 */
export async function startStandinServer(options: StandinServerOptions): Promise<StandinServer> {
  const contract = await loadGitHubContract();
  const publicKey = toPublicKey(options.appPublicKey);
  const appSlug = options.appSlug ?? 'handsbot';
  const appUserLogin = `${appSlug}[bot]`;
  const tokenLife = options.tokenLifeMs ?? 60 * 60_000;
  const state = new StandinState();
  const violations: StandinViolation[] = [];
  const requests: StandinRequestRecord[] = [];
  const gitRoot = await realpath(await mkdtemp(path.join(tmpdir(), 'handsbot-standin-')));
  // git http-backend behind one secret of ours: the stand-in checks the minted tokens itself.
  const backendToken = randomBytes(16).toString('hex');
  const git = await startGitHttpServer({ root: gitRoot, token: backendToken });
  let baseUrl = '';
  let render: Renderer | undefined;
  let handlers: ReturnType<typeof restHandlers> | undefined;

  const mint = (installationId: number | null, login: string) => {
    const token = newInstallationToken();
    state.tokens.set(token, { installationId, actor: state.user(login), expiresAt: Date.now() + tokenLife });
    return token;
  };
  const tokenFor = (value: string | null) => {
    const token = value === null ? undefined : state.tokens.get(value);
    return token && token.expiresAt > Date.now() ? token : undefined;
  };

  const send = (
    res: http.ServerResponse,
    status: number,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, {
      ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}),
      'x-github-request-id': randomBytes(4).toString('hex'),
      ...headers,
    });
    res.end(text);
  };

  const proxyGit = (req: http.IncomingMessage, res: http.ServerResponse, record: StandinRequestRecord) => {
    const owner = (req.url ?? '').split('/')[1] ?? '';
    const name = ((req.url ?? '').split('/')[2] ?? '').replace(/\.git$/, '');
    const token = tokenFor(basicToken(req.headers.authorization));
    const repo = state.repo(owner, name);
    if (!token || !repo || (token.installationId !== null && token.installationId !== repo.installationId)) {
      record.status = 401;
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="GitHub"' }).end('Invalid username or token.\n');
      return;
    }
    const headers = {
      ...req.headers,
      authorization: `Basic ${Buffer.from(`x-access-token:${backendToken}`).toString('base64')}`,
    };
    const upstream = http.request(`${git.url}${req.url ?? ''}`, { method: req.method, headers }, (answer) => {
      record.status = answer.statusCode ?? 502;
      res.writeHead(record.status, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => send(res, 502));
    req.pipe(upstream);
  };

  const handle = async (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    record: StandinRequestRecord,
  ) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // GitHub Enterprise Server serves REST under /api/v3 (GHE_HOST in handsbot's config); github.com at the root.
    url.pathname = url.pathname.replace(/^\/api\/v3(?=\/)/, '');
    const raw = await readBody(req);
    let body: unknown;
    try {
      body = raw.length > 0 ? JSON.parse(raw.toString('utf8')) : undefined;
    } catch {
      return send(res, 400, { message: 'Problems parsing JSON' });
    }
    const violation = (operationId: string | null, problems: readonly string[]) =>
      violations.push({ method: record.method, path: record.path, operationId, problems });

    if (req.method === 'POST' && (url.pathname === '/graphql' || url.pathname === '/api/graphql')) {
      if (!tokenFor(bearerToken(req.headers.authorization)))
        return send(res, 401, { message: 'Bad credentials' });
      const answer = await answerGraphql(body, (o, n) => state.repo(o, n), baseUrl);
      if ('violation' in answer) {
        violation(null, [answer.violation]);
        return send(res, 200, { errors: [{ message: answer.violation }] });
      }
      return send(res, 200, answer);
    }

    // Octokit sends a contents path or ref with its slashes as-is; the router matches one segment.
    const pathname = url.pathname.replace(
      /^(\/repos\/[^/]+\/[^/]+\/(?:contents|git\/ref)\/)(.+)$/,
      (_m, head: string, rest: string) => head + encodeURIComponent(decodeURIComponent(rest)),
    );
    const method = req.method ?? 'GET';
    const matched = contract.match(method, pathname);
    if (!matched) {
      violation(null, [`${method} ${url.pathname} is not an operation the stand-in knows`]);
      return send(res, 404, { message: 'Not Found' });
    }
    const mutableRecord: { operationId: string | null } = record;
    mutableRecord.operationId = matched.operationId;
    const query = Object.fromEntries(url.searchParams);
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(req.headers))
      if (typeof value === 'string') headers[key] = value;
    const problems = contract.validateRequest({ method, path: pathname, query, headers, body });
    if (problems.length > 0) {
      violation(matched.operationId, problems);
      return send(res, 422, { message: 'Invalid request.', errors: problems, documentation_url: '' });
    }

    let answer: RestAnswer;
    if (matched.operationId === 'apps/create-installation-access-token') {
      const installationId = Number(matched.params.installation_id);
      if (!verifyAppJwt(req.headers.authorization, options.appId, publicKey)) {
        return send(res, 401, { message: 'A JSON web token could not be decoded' });
      }
      if (!state.installations.has(installationId)) return send(res, 404, { message: 'Not Found' });
      const token = mint(installationId, appUserLogin);
      const expiresAt = new Date(state.tokens.get(token)?.expiresAt ?? 0).toISOString();
      const template = contract.example(matched.operationId, 201) as Json;
      answer = {
        status: 201,
        body: {
          ...template,
          token,
          expires_at: expiresAt.replace(/\.\d{3}Z$/, 'Z'),
          repository_selection: 'all',
        },
      };
      delete (answer.body as Json).repositories;
    } else if (matched.operationId === 'apps/get-authenticated') {
      if (!verifyAppJwt(req.headers.authorization, options.appId, publicKey)) {
        return send(res, 401, { message: 'A JSON web token could not be decoded' });
      }
      answer = { status: 200, body: render?.app({ id: options.appId, slug: appSlug }) };
    } else if (matched.operationId === 'users/get-by-username') {
      // A public profile: GitHub shows it without credentials, but refuses credentials it does not know.
      if (req.headers.authorization && !tokenFor(bearerToken(req.headers.authorization))) {
        return send(res, 401, { message: 'Bad credentials' });
      }
      const login = matched.params.username ?? '';
      // The app's bot account exists from the start on GitHub; here it appears when first asked for.
      const user =
        login.toLowerCase() === appUserLogin.toLowerCase()
          ? state.user(appUserLogin)
          : state.users.get(login.toLowerCase());
      if (!user || !render) return send(res, 404, { message: 'Not Found' });
      answer = { status: 200, body: render.publicUser(user) };
    } else {
      const token = tokenFor(bearerToken(req.headers.authorization));
      if (!token) return send(res, 401, { message: 'Bad credentials' });
      const repo = state.repo(matched.params.owner ?? '', matched.params.repo ?? '');
      const handler = handlers?.[matched.operationId];
      if (
        !repo ||
        (token.installationId !== null && token.installationId !== repo.installationId) ||
        !handler
      ) {
        return send(res, 404, { message: 'Not Found' });
      }
      answer = await handler({
        params: matched.params,
        query,
        body: (body ?? {}) as Json,
        actor: token.actor,
        repo,
        url: `${baseUrl}${req.url ?? '/'}`,
      });
    }
    if (answer.status < 300) {
      const answerProblems = contract.validateResponse(matched.operationId, answer.status, answer.body);
      if (answerProblems.length > 0) violation(matched.operationId, answerProblems);
    }
    const text = JSON.stringify(answer.body ?? null);
    const etag = `W/"${createHash('sha256').update(text).digest('hex').slice(0, 32)}"`;
    if (method === 'GET' && answer.status === 200 && req.headers['if-none-match'] === etag) {
      return send(res, 304, undefined, { etag });
    }
    return send(res, answer.status, answer.body, answer.status < 300 ? { etag, ...answer.headers } : {});
  };

  const server = http.createServer((req, res) => {
    const record: StandinRequestRecord = {
      method: req.method ?? 'GET',
      path: (req.url ?? '/').split('?')[0] ?? '/',
      operationId: null,
      status: 0,
    };
    requests.push(record);
    res.on('finish', () => {
      if (record.status === 0) record.status = res.statusCode;
    });
    if (GIT_PATH.test(record.path)) return proxyGit(req, res, record);
    handle(req, res, record).catch((error: unknown) => {
      violations.push({
        method: record.method,
        path: record.path,
        operationId: null,
        problems: [String(error)],
      });
      if (!res.headersSent) send(res, 500, { message: 'stand-in error' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  render = new Renderer(contract, baseUrl);
  handlers = restHandlers(state, render);

  return {
    url: baseUrl,
    gitRoot,
    state,
    violations,
    requests,
    mintToken: (installationId) => mint(installationId, appUserLogin),
    userToken: (login) => mint(null, login),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await git.close();
      await rm(gitRoot, { recursive: true, force: true });
    },
  };
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

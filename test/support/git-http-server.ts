import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the server saw, kept so tests can check where the token went and what was sent. */
export interface GitRequestRecord {
  method: string;
  path: string;
  query: string;
  /** The Authorization header exactly as received (null when none). */
  authorization: string | null;
  authorized: boolean;
  status: number;
  /** Bytes of the response body (a fetch's pack is most of it). */
  responseBytes: number;
}

export interface GitHttpServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  repoUrl(owner: string, name: string): string;
  requests: GitRequestRecord[];
  close(): Promise<void>;
}

/**
 * Smart HTTP for the bare repositories under `root` (`<root>/<owner>/<name>.git`), as GitHub serves
 * them: `x-access-token:<token>` basic auth or 401, clone, fetch and push, through `git http-backend`.
 */
export async function startGitHttpServer(options: { root: string; token: string }): Promise<GitHttpServer> {
  const expected = Buffer.from(`x-access-token:${options.token}`).toString('base64');
  const requests: GitRequestRecord[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const authorization = req.headers.authorization ?? null;
    const [scheme, credentials] = (authorization ?? '').split(/\s+/, 2);
    const authorized = scheme?.toLowerCase() === 'basic' && credentials === expected;
    const record: GitRequestRecord = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.search.slice(1),
      authorization,
      authorized,
      status: 0,
      responseBytes: 0,
    };
    requests.push(record);
    if (!authorized) {
      record.status = 401;
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="handsbot-test"' }).end('bad credentials\n');
      return;
    }
    const header = (name: string): Record<string, string> => {
      const value = req.headers[name.toLowerCase()];
      return typeof value === 'string' ? { [name]: value } : {};
    };
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      GIT_PROJECT_ROOT: options.root,
      GIT_HTTP_EXPORT_ALL: '1',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.receivepack',
      GIT_CONFIG_VALUE_0: 'true',
      REQUEST_METHOD: record.method,
      QUERY_STRING: record.query,
      PATH_INFO: decodeURIComponent(url.pathname),
      REMOTE_USER: 'x-access-token',
      REMOTE_ADDR: '127.0.0.1',
      ...renameKey(header('Content-Type'), 'CONTENT_TYPE'),
      ...renameKey(header('Content-Length'), 'CONTENT_LENGTH'),
      ...renameKey(header('Content-Encoding'), 'HTTP_CONTENT_ENCODING'),
      ...renameKey(header('Git-Protocol'), 'GIT_PROTOCOL'),
    };
    const backend = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'ignore'] });
    req.pipe(backend.stdin);
    backend.stdin.on('error', () => undefined);
    let head = Buffer.alloc(0);
    let headerDone = false;
    backend.stdout.on('data', (chunk: Buffer) => {
      if (headerDone) {
        record.responseBytes += chunk.length;
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) return;
      headerDone = true;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
      }
      record.status = Number.parseInt(headers.Status ?? '200', 10);
      delete headers.Status;
      res.writeHead(record.status, headers);
      const body = head.subarray(end + 4);
      record.responseBytes += body.length;
      res.write(body);
    });
    backend.on('close', () => {
      if (!headerDone) {
        record.status = 500;
        res.writeHead(500).end();
      } else res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  return {
    url: base,
    repoUrl: (owner, name) => `${base}/${owner}/${name}.git`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

function renameKey(entry: Record<string, string>, key: string): Record<string, string> {
  const value = Object.values(entry)[0];
  return value === undefined ? {} : { [key]: value };
}

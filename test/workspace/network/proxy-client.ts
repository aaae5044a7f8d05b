import { createServer, type IncomingHttpHeaders, request, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { EgressLogger } from '../../../src/workspace/network/egress-proxy.js';

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** An origin server on 127.0.0.1 that echoes what reached it. */
export async function startOrigin(): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({ host: req.headers.host, url: req.url, proxyAuth: req.headers['proxy-authorization'] }),
    );
  });
  return { server, ...(await listen(server, { host: '127.0.0.1', port: 0 })) };
}

/**
 * An https origin on 127.0.0.1 with a certificate for `names`; counts the requests that reached it
 * and echoes the name the client asked for (SNI) and the Host header.
 */
export async function startTlsOrigin(
  credentials: { key: string; cert: string },
  at: { host: string; port: number } = { host: '127.0.0.1', port: 0 },
) {
  const seen: string[] = [];
  const server = createHttpsServer(credentials, (req, res) => {
    const servername = (req.socket as Socket & { servername?: string | false }).servername;
    seen.push(`${req.method} ${String(servername)} ${req.url}`);
    res.end(`tls origin saw sni=${String(servername)} host=${req.headers.host} ${req.url}`);
  });
  return { seen, ...(await listen(server, at)) };
}

/** Listens at `at`; `close` drops open connections too, so a kept-alive client cannot hold it up. */
async function listen(
  server: Server,
  at: { host: string; port: number },
): Promise<{ port: number; close(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(at.port, at.host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Opens a CONNECT tunnel to `authority`; resolves with the proxy's status and the raw socket. */
export function openTunnel(
  proxyPort: number,
  authority: string,
): Promise<{ status: number; socket: Socket; head: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port: proxyPort,
      method: 'CONNECT',
      path: authority,
      agent: false,
    });
    req.on('connect', (res, socket: Socket, head: Buffer) =>
      resolve({ status: res.statusCode ?? 0, socket, head }),
    );
    req.on('error', reject);
    req.end();
  });
}

/**
 * TLS through a CONNECT tunnel to `authority`, asking for `servername` (none for `undefined`), trusting
 * `ca`; a GET is sent and the answer read. Resolves with the answer or the TLS error's text.
 */
export async function tlsThroughTunnel(
  proxyPort: number,
  authority: string,
  options: { servername: string | undefined; ca: string; hostHeader?: string },
): Promise<{ status: number; answer?: string; error?: string }> {
  const opened = await openTunnel(proxyPort, authority);
  if (opened.status !== 200) {
    opened.socket.destroy();
    return { status: opened.status };
  }
  return new Promise((resolve) => {
    const secure = tlsConnect({
      socket: opened.socket,
      ca: options.ca,
      // Node sends no SNI for an empty servername; the certificate is then checked against `host`.
      servername: options.servername ?? '',
      checkServerIdentity: () => undefined,
    });
    let answer = '';
    secure.setEncoding('utf8');
    secure.on('secureConnect', () =>
      secure.write(
        `GET /through-tls HTTP/1.1\r\nhost: ${options.hostHeader ?? authority}\r\nconnection: close\r\n\r\n`,
      ),
    );
    secure.on('data', (chunk: string) => {
      answer += chunk;
    });
    secure.on('end', () => resolve({ status: 200, answer }));
    secure.on('error', (error) => resolve({ status: 200, error: error.message }));
  });
}

/** A plain-http request in absolute form, as a client configured with HTTP_PROXY sends it. */
export function viaProxy(
  proxyPort: number,
  url: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    // As a proxy client sends it: Host names the target, not the proxy.
    const target = URL.canParse(url) ? { host: new URL(url).host } : {};
    const sent = { ...target, ...headers };
    const req = request(
      { host: '127.0.0.1', port: proxyPort, method, path: url, headers: sent, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/**
 * A CONNECT to `authority`; when the tunnel opens, a GET is sent through it and its raw answer read,
 * so one call shows both the proxy's verdict and what is on the other end.
 */
export function tunnel(proxyPort: number, authority: string): Promise<Reply & { tunnelled?: string }> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port: proxyPort,
      method: 'CONNECT',
      path: authority,
      agent: false,
    });
    req.on('connect', (res, socket: Socket, head: Buffer) => {
      if (res.statusCode !== 200) {
        // Node hands over whatever followed the status line's headers as `head`.
        let body = head.toString('utf8');
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => {
          body += chunk;
        });
        socket.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        return;
      }
      let tunnelled = head.toString('utf8');
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        tunnelled += chunk;
      });
      socket.on('end', () => resolve({ status: 200, headers: res.headers, body: '', tunnelled }));
      socket.on('error', reject);
      socket.write(`GET /through-tunnel HTTP/1.1\r\nhost: ${authority}\r\nconnection: close\r\n\r\n`);
    });
    req.on('error', reject);
    req.end();
  });
}

export interface LogRecord {
  level: 'info' | 'warn';
  msg: string | undefined;
  fields: Record<string, unknown>;
}

export function recordingLogger(): EgressLogger & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  return {
    records,
    info: (fields, msg) => records.push({ level: 'info', msg, fields: { ...fields } }),
    warn: (fields, msg) => records.push({ level: 'warn', msg, fields: { ...fields } }),
  };
}

import { createServer, type IncomingHttpHeaders, request, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A plain-http request in absolute form, as a client configured with HTTP_PROXY sends it. */
export function viaProxy(
  proxyPort: number,
  url: string,
  headers: Record<string, string> = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: proxyPort, path: url, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
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

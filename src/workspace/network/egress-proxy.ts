import { lookup } from 'node:dns/promises';
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import { connect, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  compileEgressRules,
  decideEgress,
  type EgressDecision,
  type EgressTarget,
  isReadOnlyRegistry,
  type Resolver,
} from './egress-rules.js';
import type { AllowlistPolicy } from './network-policy.js';
import { parseConnectTarget, parseForwardTarget } from './parse-egress-target.js';
import { answer, answerRaw, endToEnd } from './proxy-answers.js';
import { parseGatewayRequest, readOnlyRegistryBody, serveRegistryGateway } from './registry-gateway.js';
import { collectClientHello, judgeTunnelHello, refuseTunnel } from './tunnel-hello.js';

/** The part of a pino logger the proxy uses; a pino `Logger` fits as is. */
export interface EgressLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface EgressProxyOptions {
  policy: AllowlistPolicy;
  logger: EgressLogger;
  /** Name resolution; defaults to the system resolver (all addresses, in the order it returns). */
  resolve?: Resolver;
  /** Listen address; 127.0.0.1 unless the sandbox reaches the proxy elsewhere (see provisionEgress). */
  host?: string;
  port?: number;
  /** Simultaneous client connections; more are refused by the server. */
  maxConnections?: number;
  /** Time to open the upstream connection. */
  connectTimeoutMs?: number;
  /** A tunnel or forwarded request idle this long is closed. */
  idleTimeoutMs?: number;
  /** CA the registry gateway trusts besides the system's (tests' self-signed registries). */
  upstreamCa?: string;
  /** Time for a client to send its request headers, and a tunnel's TLS ClientHello. */
  headersTimeoutMs?: number;
}

export interface EgressProxy {
  readonly host: string;
  readonly port: number;
  /** `http://host:port`, what HTTP_PROXY / HTTPS_PROXY hold. */
  readonly url: string;
  close(): Promise<void>;
}

const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

function refusalBody(decision: Extract<EgressDecision, { allowed: false }>): string {
  return (
    `handsbot egress proxy refused ${decision.target.host}:${decision.target.port}: ${decision.detail}.\n` +
    "Only hosts on this repository's network allowlist are reachable; a maintainer can add one to the " +
    'repository configuration.\n'
  );
}

function statusOf(decision: Extract<EgressDecision, { allowed: false }>): number {
  return decision.reason === 'unresolvable' ? 502 : 403;
}

/** The Host header as a target, 'absent' when not sent, undefined when unreadable. */
function hostHeaderTarget(header: string | undefined): EgressTarget | 'absent' | undefined {
  if (header === undefined) return 'absent';
  return parseForwardTarget(`http://${header}/`)?.target;
}

/**
 * An HTTP forward proxy for one run's sandbox: CONNECT tunnels for https (and anything else that
 * speaks through CONNECT) and absolute-form requests for plain http, each checked against the
 * allowlist by `decideEgress` and then dialled to the very address that was checked.
 *
 * Hand-written on node:http/node:net rather than `proxy-chain`: the whole policy is the point of
 * this proxy, and doing it in a library's hooks meant two resolutions (the hook's and the library's
 * connect) unless every request overrode its DNS lookup; the library also brings upstream chaining,
 * SOCKS and auth we never want reachable from a sandbox.
 */
export async function startEgressProxy(options: EgressProxyOptions): Promise<EgressProxy> {
  const rules = compileEgressRules(options.policy);
  const resolve = options.resolve ?? systemResolver;
  const { logger } = options;
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const idleTimeoutMs = options.idleTimeoutMs ?? 120_000;
  const headersTimeoutMs = options.headersTimeoutMs ?? 15_000;
  const open = new Set<Duplex>();
  const track = (socket: Duplex) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  };

  async function decide(method: string, target: Parameters<typeof decideEgress>[1]) {
    const decision = await decideEgress(rules, target, resolve);
    const fields = { method, host: target.host, port: target.port };
    if (decision.allowed) logger.info({ ...fields, address: decision.address }, 'egress allowed');
    else logger.warn({ ...fields, reason: decision.reason, detail: decision.detail }, 'egress refused');
    return decision;
  }

  /**
   * Dials the checked address. `onFail` only covers failing to connect: once connected, an error
   * closes the socket and the pair is torn down by its close handlers.
   */
  function dial(address: string, port: number, onConnect: (upstream: Socket) => void, onFail: () => void) {
    const upstream = connect({ host: address, port });
    track(upstream);
    let connected = false;
    upstream.setTimeout(connectTimeoutMs);
    upstream.on('timeout', () => upstream.destroy(connected ? undefined : new Error('connect timeout')));
    upstream.on('error', (error) => {
      if (connected) return;
      logger.warn({ address, port, error: error.message }, 'egress upstream failed');
      onFail();
    });
    upstream.once('connect', () => {
      connected = true;
      upstream.setTimeout(idleTimeoutMs);
      onConnect(upstream);
    });
  }

  async function onConnect(req: IncomingMessage, client: Duplex, head: Buffer) {
    client.on('error', () => client.destroy());
    // Once detached from the HTTP parser the server's timeouts no longer apply: bound idle clients.
    if (client instanceof Socket) client.setTimeout(idleTimeoutMs, () => client.destroy());
    // Hold anything the client sends early until the tunnel exists; pipe() resumes it.
    client.pause();
    const target = parseConnectTarget(req.url);
    if (target === undefined) {
      answerRaw(client, 400, 'handsbot egress proxy: CONNECT needs host:port\n');
      return;
    }
    const decision = await decide('CONNECT', target);
    if (!decision.allowed) {
      answerRaw(client, statusOf(decision), refusalBody(decision));
      return;
    }
    // Inside a tunnel the method is invisible: a registry that takes uploads is read through the
    // gateway instead, which sees every request.
    if (isReadOnlyRegistry(rules, target.host)) {
      logger.warn(
        { method: 'CONNECT', host: target.host, port: target.port, reason: 'registry-read-only' },
        'egress refused',
      );
      answerRaw(client, 403, readOnlyRegistryBody(target.host, 'CONNECT'));
      return;
    }
    if (client.destroyed) return;
    dial(
      decision.address,
      target.port,
      (upstream) => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        const closeClient = () => client.destroy();
        client.once('close', () => upstream.destroy());
        upstream.once('close', closeClient);
        // Nothing reaches the upstream before the client's first bytes are checked.
        void collectClientHello(client, head, headersTimeoutMs).then((collected) => {
          if (collected === undefined) {
            client.destroy();
            return;
          }
          const verdict = judgeTunnelHello(target, collected.hello);
          if (!verdict.allowed) {
            logger.warn(
              {
                method: 'CONNECT',
                host: target.host,
                port: target.port,
                reason: verdict.reason,
                detail: verdict.detail,
              },
              'egress refused',
            );
            // The refusal is the last thing the client reads: the upstream's close must not cut it.
            upstream.off('close', closeClient);
            refuseTunnel(
              client,
              verdict.reason,
              `handsbot egress proxy refused ${target.host}:${target.port}: ${verdict.detail}.\n`,
            );
            upstream.destroy();
            return;
          }
          upstream.write(collected.bytes);
          upstream.pipe(client);
          client.pipe(upstream);
        });
      },
      () => answerRaw(client, 502, `handsbot egress proxy: ${target.host}:${target.port} is unreachable\n`),
    );
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse) {
    const gateway = parseGatewayRequest(req.url);
    if (gateway !== undefined) {
      await serveRegistryGateway(req, res, gateway, {
        decide,
        connectTimeoutMs,
        ...(options.upstreamCa === undefined ? {} : { upstreamCa: options.upstreamCa }),
      });
      return;
    }
    const parsed = parseForwardTarget(req.url);
    if (parsed === undefined) {
      answer(res, 400, 'handsbot egress proxy: send absolute http:// URLs, or CONNECT for https\n');
      return;
    }
    const { target, url } = parsed;
    const named = hostHeaderTarget(req.headers.host);
    if (
      named !== 'absent' &&
      (named === undefined || named.host !== target.host || named.port !== target.port)
    ) {
      logger.warn(
        {
          method: req.method,
          host: target.host,
          port: target.port,
          reason: 'host-mismatch',
          header: req.headers.host,
        },
        'egress refused',
      );
      answer(
        res,
        403,
        `handsbot egress proxy refused ${target.host}:${target.port}: the Host header ` +
          `(${JSON.stringify(req.headers.host)}) names another host than the request URL.\n`,
      );
      return;
    }
    const method = req.method ?? 'GET';
    if (isReadOnlyRegistry(rules, target.host) && method !== 'GET' && method !== 'HEAD') {
      logger.warn(
        { method, host: target.host, port: target.port, reason: 'registry-read-only' },
        'egress refused',
      );
      answer(res, 403, readOnlyRegistryBody(target.host, method));
      return;
    }
    const decision = await decide(method, target);
    if (!decision.allowed) {
      answer(res, statusOf(decision), refusalBody(decision));
      return;
    }
    // Dial the checked address ourselves and hand the socket to the request, so the request can
    // never resolve the name a second time.
    dial(
      decision.address,
      target.port,
      (upstream) => {
        const forward = request({
          method: req.method,
          path: `${url.pathname}${url.search}`,
          headers: { ...endToEnd(req.headers), host: url.host },
          createConnection: () => upstream,
        });
        forward.once('response', (upstreamRes) => {
          res.writeHead(upstreamRes.statusCode ?? 502, endToEnd(upstreamRes.headers));
          upstreamRes.pipe(res);
        });
        forward.once('error', () => answer(res, 502, `handsbot egress proxy: ${url.host} failed\n`));
        res.once('close', () => upstream.destroy());
        req.pipe(forward);
      },
      () => answer(res, 502, `handsbot egress proxy: ${url.host} is unreachable\n`),
    );
  }

  const server = createServer({ headersTimeout: headersTimeoutMs });
  server.maxConnections = options.maxConnections ?? 256;
  server.on('connection', track);
  server.on('request', (req, res) => {
    onRequest(req, res).catch((error: unknown) => {
      logger.warn({ error: String(error) }, 'egress proxy request failed');
      answer(res, 502, 'handsbot egress proxy: internal error\n');
    });
  });
  server.on('connect', (req: IncomingMessage, client: Duplex, head: Buffer) => {
    onConnect(req, client, head).catch((error: unknown) => {
      logger.warn({ error: String(error) }, 'egress proxy tunnel failed');
      client.destroy();
    });
  });
  // WebSocket and h2c upgrades over plain http are not proxied; https WebSockets go through CONNECT.
  server.on('upgrade', (_req: IncomingMessage, client: Duplex) =>
    answerRaw(client, 501, 'handsbot egress proxy: upgrades over plain http are not supported\n'),
  );
  server.on('clientError', (_error, client: Duplex) =>
    answerRaw(client, 400, 'handsbot egress proxy: bad request\n'),
  );

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  const bound = server.address();
  if (bound === null || typeof bound === 'string') throw new Error('egress proxy is not on a TCP port');
  const { address, port } = bound;
  const hostInUrl = address.includes(':') ? `[${address}]` : address;
  logger.info({ address, port }, 'egress proxy listening');

  return {
    host: address,
    port,
    url: `http://${hostInUrl}:${port}`,
    close: () =>
      new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        for (const socket of open) socket.destroy();
      }),
  };
}

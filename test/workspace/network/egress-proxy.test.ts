import { connect } from 'node:net';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type EgressLogger,
  type EgressProxy,
  startEgressProxy,
} from '../../../src/workspace/network/egress-proxy.js';
import type { Resolver } from '../../../src/workspace/network/egress-rules.js';
import {
  type NetworkPolicyInput,
  networkPolicySchema,
} from '../../../src/workspace/network/network-policy.js';
import {
  openTunnel,
  recordingLogger,
  startOrigin,
  startTlsOrigin,
  tlsThroughTunnel,
  tunnel,
  viaProxy,
} from './proxy-client.js';
import { selfSignedCertificate } from './tls-fixture.js';

// The registry stand-in listens on 443 (where the gateway dials) of a loopback address of its own.
const REGISTRY_ADDRESS = `127.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.9`;

// Every name the tests use resolves to 127.0.0.1 through this table; nothing reaches real DNS.
const NAMES: Record<string, string[]> = {
  'allowed.test': ['127.0.0.1'],
  'denied.test': ['127.0.0.1'],
  'api.wild.test': ['127.0.0.1'],
  'wild.test': ['127.0.0.1'],
  'metadata.test': ['169.254.169.254'],
  'mixed.test': ['169.254.169.254', '127.0.0.1'],
  'registry.npmjs.org': [REGISTRY_ADDRESS],
};

function tableResolver(calls: string[] = []): Resolver {
  return async (hostname) => {
    calls.push(hostname);
    const found = NAMES[hostname];
    if (found === undefined)
      throw Object.assign(new Error(`no such host ${hostname}`), { code: 'ENOTFOUND' });
    return found;
  };
}

// One certificate for the https origin, valid for both names the tunnel tests ask for.
const credentials = selfSignedCertificate(['allowed.test', 'denied.test']);
const registryCredentials = selfSignedCertificate(['registry.npmjs.org']);

describe('egress proxy', () => {
  let origin: Awaited<ReturnType<typeof startOrigin>>;
  let tlsOrigin: Awaited<ReturnType<typeof startTlsOrigin>>;
  const proxies: EgressProxy[] = [];

  beforeEach(async () => {
    origin = await startOrigin();
    tlsOrigin = await startTlsOrigin(credentials);
  });
  afterEach(async () => {
    await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
    await origin.close();
    await tlsOrigin.close();
  });

  async function proxyFor(
    hosts: string[],
    extra: {
      resolve?: Resolver;
      logger?: EgressLogger;
      maxConnections?: number;
      idleTimeoutMs?: number;
      headersTimeoutMs?: number;
      registryUploads?: boolean;
    } = {},
  ) {
    const input: NetworkPolicyInput = {
      mode: 'allowlist',
      hosts,
      packageRegistries: false,
      registryUploads: extra.registryUploads ?? false,
      ports: [origin.port, tlsOrigin.port, 443],
    };
    const policy = networkPolicySchema.parse(input);
    if (policy.mode !== 'allowlist') throw new Error('unreachable');
    const proxy = await startEgressProxy({
      policy,
      logger: extra.logger ?? recordingLogger(),
      resolve: extra.resolve ?? tableResolver(),
      ...(extra.maxConnections === undefined ? {} : { maxConnections: extra.maxConnections }),
      ...(extra.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: extra.idleTimeoutMs }),
      ...(extra.headersTimeoutMs === undefined ? {} : { headersTimeoutMs: extra.headersTimeoutMs }),
      upstreamCa: registryCredentials.cert,
    });
    proxies.push(proxy);
    return proxy;
  }

  it('forwards a plain http request to a listed host, keeping Host and dropping proxy credentials', async () => {
    // A name resolving to loopback needs the address listed too (see the non-public tests below).
    const proxy = await proxyFor(['allowed.test', '127.0.0.1']);
    const reply = await viaProxy(proxy.port, `http://allowed.test:${origin.port}/pkg?v=1`, {
      'proxy-authorization': 'Basic c2VjcmV0',
    });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ host: `allowed.test:${origin.port}`, url: '/pkg?v=1' });
  });

  it('opens a CONNECT tunnel to a listed host for TLS that asks for that host', async () => {
    const proxy = await proxyFor(['allowed.test', '127.0.0.1']);
    const reply = await tlsThroughTunnel(proxy.port, `allowed.test:${tlsOrigin.port}`, {
      servername: 'allowed.test',
      ca: credentials.cert,
    });
    expect(reply.answer).toContain('tls origin saw sni=allowed.test host=allowed.test');
  });

  it('closes a tunnel whose TLS asks for another server than the CONNECT named (domain fronting)', async () => {
    const logger = recordingLogger();
    const proxy = await proxyFor(['allowed.test', '127.0.0.1'], { logger });
    const fronted = await tlsThroughTunnel(proxy.port, `allowed.test:${tlsOrigin.port}`, {
      servername: 'denied.test',
      ca: credentials.cert,
      hostHeader: 'denied.test',
    });
    expect(fronted.status).toBe(200);
    expect(fronted.answer).toBeUndefined();
    expect(fronted.error).toMatch(/unrecognized name/i);
    const unnamed = await tlsThroughTunnel(proxy.port, `allowed.test:${tlsOrigin.port}`, {
      servername: undefined,
      ca: credentials.cert,
    });
    expect(unnamed.error).toMatch(/unrecognized name/i);
    const refusals = logger.records.filter((r) => r.msg === 'egress refused');
    expect(refusals.map((r) => [r.fields.reason, r.fields.detail])).toEqual([
      [
        'server-name-mismatch',
        'the TLS server name is "denied.test", not "allowed.test" as the CONNECT named',
      ],
      ['server-name-mismatch', 'the TLS server name is missing, not "allowed.test" as the CONNECT named'],
    ]);
    // Refused before any byte went on: the origin never saw a request.
    expect(tlsOrigin.seen).toEqual([]);
  });

  it('answers plain bytes sent through a tunnel with a refusal: tunnels carry TLS only', async () => {
    const logger = recordingLogger();
    const proxy = await proxyFor(['allowed.test', '127.0.0.1'], { logger });
    const reply = await tunnel(proxy.port, `allowed.test:${origin.port}`);
    expect(reply.status).toBe(200);
    expect(reply.tunnelled).toMatch(/^HTTP\/1.1 403/);
    expect(reply.tunnelled).toContain('tunnels carry TLS only');
    expect(reply.tunnelled).not.toContain('/through-tunnel');
    expect(logger.records.find((r) => r.msg === 'egress refused')?.fields.reason).toBe('not-tls');
  });

  it('closes a tunnel that stays silent instead of sending a ClientHello', async () => {
    const proxy = await proxyFor(['allowed.test', '127.0.0.1'], { headersTimeoutMs: 300 });
    const opened = await openTunnel(proxy.port, `allowed.test:${tlsOrigin.port}`);
    expect(opened.status).toBe(200);
    await new Promise((resolve) => opened.socket.once('close', resolve));
    expect(tlsOrigin.seen).toEqual([]);
  });

  it('refuses a plain http request whose Host header names another host than its URL', async () => {
    const logger = recordingLogger();
    const proxy = await proxyFor(['allowed.test', '127.0.0.1'], { logger });
    const reply = await viaProxy(proxy.port, `http://allowed.test:${origin.port}/`, { host: 'denied.test' });
    expect(reply.status).toBe(403);
    expect(reply.body).toContain('the Host header ("denied.test") names another host');
    expect(logger.records.find((r) => r.msg === 'egress refused')?.fields.reason).toBe('host-mismatch');
    const same = await viaProxy(proxy.port, `http://allowed.test:${origin.port}/`, {
      host: `ALLOWED.test:${origin.port}`,
    });
    expect(same.status).toBe(200);
  });

  it('answers 403 with a body naming the host for a host not on the list, over http and CONNECT', async () => {
    const proxy = await proxyFor(['allowed.test', '127.0.0.1']);
    const plain = await viaProxy(proxy.port, `http://denied.test:${origin.port}/`);
    expect(plain.status).toBe(403);
    expect(plain.body).toContain(`refused denied.test:${origin.port}`);
    expect(plain.body).toContain('allowlist');
    const connectReply = await tunnel(proxy.port, `denied.test:${origin.port}`);
    expect(connectReply.status).toBe(403);
    expect(connectReply.body).toContain('denied.test is not on the repository');
  });

  it('refuses IP literals that are not listed, numeric disguises included', async () => {
    const proxy = await proxyFor(['allowed.test']);
    for (const host of ['127.0.0.1', '2130706433', '0x7f.1', '[::1]']) {
      const reply = await tunnel(proxy.port, `${host}:${origin.port}`);
      expect(reply.status, host).toBe(403);
      expect(reply.body, host).toContain('is an IP address the policy does not list');
    }
    const plain = await viaProxy(proxy.port, `http://127.0.0.1:${origin.port}/`);
    expect(plain.status).toBe(403);
  });

  it('allows an IP literal that is listed', async () => {
    const proxy = await proxyFor(['127.0.0.0/8']);
    const reply = await viaProxy(proxy.port, `http://127.0.0.1:${origin.port}/ip`);
    expect(reply.status).toBe(200);
  });

  it('refuses a listed name that resolves to a non-public address unless that address is listed', async () => {
    const logger = recordingLogger();
    const refused = await proxyFor(['allowed.test', 'metadata.test'], { logger });
    const loopback = await viaProxy(refused.port, `http://allowed.test:${origin.port}/`);
    expect(loopback.status).toBe(403);
    expect(loopback.body).toContain('resolves to 127.0.0.1, which is not public and not listed');
    const metadata = await tunnel(refused.port, `metadata.test:${origin.port}`);
    expect(metadata.status).toBe(403);
    expect(logger.records.filter((r) => r.level === 'warn').map((r) => r.fields.reason)).toEqual([
      'non-public-address',
      'non-public-address',
    ]);
  });

  it('connects to the address it checked, resolving once per connection', async () => {
    const calls: string[] = [];
    // mixed.test answers the metadata address first; only the listed loopback address may be used.
    const proxy = await proxyFor(['mixed.test', '127.0.0.1'], { resolve: tableResolver(calls) });
    const reply = await viaProxy(proxy.port, `http://mixed.test:${origin.port}/`);
    expect(reply.status).toBe(200);
    expect(calls).toEqual(['mixed.test']);
  });

  it('matches "*.domain" patterns on subdomains only, case-insensitively, with a trailing dot', async () => {
    const proxy = await proxyFor(['*.wild.test', 'Allowed.Test.', '127.0.0.1']);
    expect((await viaProxy(proxy.port, `http://api.wild.test:${origin.port}/`)).status).toBe(200);
    expect((await viaProxy(proxy.port, `http://wild.test:${origin.port}/`)).status).toBe(403);
    expect((await tunnel(proxy.port, `ALLOWED.test.:${origin.port}`)).status).toBe(200);
  });

  it('refuses ports the policy does not list', async () => {
    const proxy = await proxyFor(['allowed.test', '127.0.0.1']);
    const reply = await tunnel(proxy.port, 'allowed.test:22');
    expect(reply.status).toBe(403);
    expect(reply.body).toContain('port 22 is not allowed');
  });

  it('answers 502 for a name that does not resolve, and 400 for requests that are not proxy requests', async () => {
    const proxy = await proxyFor(['*.nowhere.test']);
    expect((await viaProxy(proxy.port, `http://a.nowhere.test:${origin.port}/`)).status).toBe(502);
    expect((await viaProxy(proxy.port, '/relative')).status).toBe(400);
    expect((await viaProxy(proxy.port, `https://allowed.test:${origin.port}/`)).status).toBe(400);
    expect((await tunnel(proxy.port, 'allowed.test')).status).toBe(400);
  });

  it('logs every decision with host, port and the reason for a refusal', async () => {
    const logger = recordingLogger();
    const proxy = await proxyFor(['allowed.test', '127.0.0.1'], { logger });
    await viaProxy(proxy.port, `http://allowed.test:${origin.port}/`);
    await tunnel(proxy.port, `denied.test:${origin.port}`);
    const decisions = logger.records.filter((r) => r.msg === 'egress allowed' || r.msg === 'egress refused');
    expect(decisions).toEqual([
      {
        level: 'info',
        msg: 'egress allowed',
        fields: { method: 'GET', host: 'allowed.test', port: origin.port, address: '127.0.0.1' },
      },
      {
        level: 'warn',
        msg: 'egress refused',
        fields: expect.objectContaining({ method: 'CONNECT', host: 'denied.test', reason: 'not-listed' }),
      },
    ]);
  });

  it('bounds simultaneous connections and closes idle tunnels', async () => {
    const proxy = await proxyFor(['allowed.test', '127.0.0.1'], { maxConnections: 1, idleTimeoutMs: 300 });
    const first = connect(proxy.port, '127.0.0.1');
    first.write(`CONNECT allowed.test:${origin.port} HTTP/1.1\r\nhost: allowed.test\r\n\r\n`);
    const established = await new Promise<string>((resolve) => first.once('data', (d) => resolve(String(d))));
    expect(established).toMatch(/^HTTP\/1.1 200/);
    const second = connect(proxy.port, '127.0.0.1');
    const secondClosed = await new Promise<boolean>((resolve) => {
      second.once('close', () => resolve(true));
      second.once('data', () => resolve(false));
      second.write(`CONNECT allowed.test:${origin.port} HTTP/1.1\r\n\r\n`);
    });
    expect(secondClosed).toBe(true);
    // Silent for longer than the idle timeout: the tunnel is closed from the proxy's side.
    const started = Date.now();
    await new Promise((resolve) => first.once('close', resolve));
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  describe('registries that take uploads', () => {
    let registry: Awaited<ReturnType<typeof startTlsOrigin>>;
    beforeEach(async () => {
      registry = await startTlsOrigin(registryCredentials, { host: REGISTRY_ADDRESS, port: 443 });
    });
    afterEach(async () => {
      await registry.close();
    });
    const hosts = ['registry.npmjs.org', '127.0.0.0/8'];

    it('are read through the gateway: GET and HEAD go on over TLS, publishing methods are refused', async () => {
      const logger = recordingLogger();
      const proxy = await proxyFor(hosts, { logger });
      const read = await viaProxy(proxy.port, '/registry/registry.npmjs.org/left-pad?write=false');
      expect(read.status).toBe(200);
      expect(read.body).toBe(
        'tls origin saw sni=registry.npmjs.org host=registry.npmjs.org /left-pad?write=false',
      );
      expect((await viaProxy(proxy.port, '/registry/registry.npmjs.org/left-pad', {}, 'HEAD')).status).toBe(
        200,
      );
      for (const method of ['PUT', 'POST', 'DELETE', 'PATCH']) {
        const upload = await viaProxy(proxy.port, '/registry/registry.npmjs.org/left-pad', {}, method);
        expect(upload.status, method).toBe(405);
        expect(upload.body, method).toContain('registries are read-only in this sandbox');
      }
      expect(registry.seen).toEqual([
        'GET registry.npmjs.org /left-pad?write=false',
        'HEAD registry.npmjs.org /left-pad',
      ]);
      // The gateway serves registries only, and only those the allowlist allows.
      expect((await viaProxy(proxy.port, '/registry/allowed.test/x')).status).toBe(403);
      expect((await viaProxy(proxy.port, '/registry/crates.io/api/v1/crates')).status).toBe(403);
    });

    it('are refused through CONNECT and for plain-http uploads, unless the policy allows uploads', async () => {
      const logger = recordingLogger();
      const proxy = await proxyFor(hosts, { logger });
      const tunnelled = await tunnel(proxy.port, 'registry.npmjs.org:443');
      expect(tunnelled.status).toBe(403);
      expect(tunnelled.body).toContain('registries are read-only');
      const put = await viaProxy(proxy.port, 'http://registry.npmjs.org:443/left-pad', {}, 'PUT');
      expect(put.status).toBe(403);
      expect(logger.records.filter((r) => r.msg === 'egress refused').map((r) => r.fields.reason)).toEqual([
        'registry-read-only',
        'registry-read-only',
      ]);
      expect(registry.seen).toEqual([]);

      const uploads = await proxyFor(hosts, { registryUploads: true });
      const reply = await tlsThroughTunnel(uploads.port, 'registry.npmjs.org:443', {
        servername: 'registry.npmjs.org',
        ca: registryCredentials.cert,
      });
      expect(reply.answer).toContain('tls origin saw sni=registry.npmjs.org');
    });
  });

  it('takes a pino logger as is', () => {
    const logger: EgressLogger = pino({ level: 'silent' });
    expect(typeof logger.warn).toBe('function');
  });
});

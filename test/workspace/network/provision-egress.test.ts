import { createSocket } from 'node:dgram';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Resolver } from '../../../src/workspace/network/egress-rules.js';
import {
  type NetworkPolicyInput,
  networkPolicySchema,
} from '../../../src/workspace/network/network-policy.js';
import {
  type ProvisionEgressOptions,
  provisionEgress,
} from '../../../src/workspace/network/provision-egress.js';
import { reapEgress } from '../../../src/workspace/network/reap-egress.js';
import {
  dockerForTests,
  removeTestObjects,
  runInContainer,
  sections,
  startRegistryContainer,
  startTargetContainer,
  TEST_LABELS,
  TEST_SESSION,
  testName,
} from './docker-test-env.js';
import { recordingLogger } from './proxy-client.js';
import { selfSignedCertificate } from './tls-fixture.js';

// The target's https certificate, generated for this run; the sandbox client trusts it by file.
const credentials = selfSignedCertificate(['allowed.test', 'fronted.test']);

/**
 * A TLS client for the sandbox: CONNECT to `$1` through the proxy in HTTPS_PROXY, then TLS asking for
 * server name `$2` (none when empty) and a GET with Host `$2`; prints the answer or the TLS error.
 */
const TLS_CLIENT = `node -e '
const [authority, servername] = process.argv.slice(1);
const proxy = new URL(process.env.HTTPS_PROXY);
const req = require("http").request({ host: proxy.hostname, port: proxy.port, method: "CONNECT", path: authority });
req.on("connect", (res, socket) => {
  console.log("connect " + res.statusCode);
  const tls = require("tls").connect({ socket, servername, ca: process.env.CA_PEM, checkServerIdentity: () => undefined });
  tls.on("secureConnect", () => tls.write("GET /tls HTTP/1.1\\r\\nhost: " + (servername || authority) + "\\r\\nconnection: close\\r\\n\\r\\n"));
  tls.on("data", (d) => process.stdout.write(String(d)));
  tls.on("error", (e) => console.log("tls error: " + e.message));
});
req.end();'`;

/** Routes from /proc/net/route as dotted quads (the file holds little-endian hex). */
function routes(text: string): { iface: string; destination: string; gateway: string }[] {
  const quad = (hex: string) =>
    (hex.match(/../g) ?? [])
      .map((byte) => Number.parseInt(byte, 16))
      .reverse()
      .join('.');
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .map(([iface = '', destination = '', gateway = '']) => ({
      iface,
      destination: quad(destination),
      gateway: quad(gateway),
    }));
}

const hostAddresses = () =>
  Object.values(networkInterfaces())
    .flat()
    .map((entry) => entry?.address);

describe('egress provisioning on the Docker engine', () => {
  let docker: Dockerode;
  let image: string;
  let targetNetwork: string;
  let target: string;
  let egressBridge: string;
  // A server on every host address: what a sandbox must not reach through a network's gateway.
  let hostServer: Server;
  let hostPort: number;

  beforeAll(async () => {
    ({ docker, image } = await dockerForTests());
    targetNetwork = testName('target');
    egressBridge = testName('egress');
    await docker.createNetwork({
      Name: targetNetwork,
      Driver: 'bridge',
      Labels: { ...TEST_LABELS },
    });
    target = (await startTargetContainer(docker, { image, network: targetNetwork, tls: credentials }))
      .address;
    hostServer = createServer((_req, res) => res.end('host reached'));
    await new Promise<void>((resolve) => hostServer.listen(0, '0.0.0.0', resolve));
    hostPort = (hostServer.address() as AddressInfo).port;
  }, 60_000);

  afterAll(async () => {
    hostServer?.close();
    if (docker !== undefined) await removeTestObjects(docker);
  }, 60_000);

  function options(name: string, extra: Partial<ProvisionEgressOptions> = {}): ProvisionEgressOptions {
    // Names used by the sandbox resolve, in the worker's proxy, to the target container's address.
    const resolve: Resolver = async (name) => {
      if (['allowed.test', 'denied.test', 'name-only.test'].includes(name)) return [target];
      throw Object.assign(new Error(`no such host ${name}`), { code: 'ENOTFOUND' });
    };
    return {
      docker,
      logger: recordingLogger(),
      runId: runId(name),
      relayImage: image,
      resolve,
      egressBridge,
      labels: TEST_LABELS,
      ...extra,
    };
  }

  // Run ids unique to this test process: the reaper looks at every handsbot network on the engine.
  const runId = (name: string) => `${name}-${TEST_SESSION}`;
  const policy = (input: NetworkPolicyInput) => networkPolicySchema.parse(input);

  it('none: the container has loopback only and no route', async () => {
    const egress = await provisionEgress(policy({ mode: 'none' }), options('run-none'));
    expect(egress).toMatchObject({ networkMode: 'none', env: {} });
    const { output } = await runInContainer(docker, {
      image,
      networkMode: egress.networkMode,
      script: 'echo "== ifaces"; ls /sys/class/net; echo "== routes"; cat /proc/net/route',
    });
    const out = sections(output);
    expect(out.ifaces?.trim().split(/\s+/)).toEqual(['lo']);
    expect(routes(out.routes ?? '')).toEqual([]);
    await egress.release();
  });

  it('allowlist: listed hosts through the proxy only; 403 for others; no direct route to anything', async () => {
    const logger = recordingLogger();
    const egress = await provisionEgress(
      policy({
        mode: 'allowlist',
        // The target is on a private Docker network: its address must be listed, not just its name.
        hosts: ['allowed.test', target],
        packageRegistries: false,
        ports: [8080],
      }),
      options('run-allowlist', { logger }),
    );
    try {
      expect(Object.keys(egress.env).sort()).toEqual(
        ['HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy'].sort(),
      );
      const internal = await docker.getNetwork(egress.networkMode).inspect();
      expect(internal.Internal).toBe(true);
      const gateway = internal.IPAM?.Config?.[0]?.Gateway ?? '';
      const egressGateway =
        (await docker.getNetwork(egressBridge).inspect()).IPAM?.Config?.[0]?.Gateway ?? '';
      const { output } = await runInContainer(docker, {
        image,
        networkMode: egress.networkMode,
        env: egress.env,
        script: [
          'echo "== ifaces"; ls /sys/class/net',
          'echo "== routes"; cat /proc/net/route',
          `echo "== direct"; curl -sS -m 3 --noproxy '*' http://${target}:8080/direct 2>&1; echo "rc=$?"`,
          `echo "== host"; curl -sS -m 3 --noproxy '*' http://${gateway}:${hostPort}/ 2>&1; echo "rc=$?"`,
          `echo "== worker"; curl -sS -m 3 --noproxy '*' http://${egressGateway}:${hostPort}/ 2>&1; echo "rc=$?"`,
          'echo "== allowed"; curl -sS -m 10 http://allowed.test:8080/via-proxy 2>&1; echo; echo "rc=$?"',
          'echo "== tunnel"; curl -sS -m 10 -p http://allowed.test:8080/via-connect 2>&1; echo; echo "rc=$?"',
          `echo "== denied"; curl -sS -m 10 -w 'status=%{http_code}' http://denied.test:8080/ 2>&1; echo`,
          `echo "== literal"; curl -sS -m 10 -w 'status=%{http_code}' http://${target}:8080/ 2>&1; echo`,
        ].join('\n'),
      });
      const out = sections(output);
      expect(out.ifaces?.trim().split(/\s+/).sort()).toEqual(['eth0', 'lo']);
      // Docker 20.10 writes a default route even on internal networks; with inhibit_ipv4 its gateway
      // is an address nobody holds, so it leads nowhere.
      for (const route of routes(out.routes ?? '')) {
        expect(route.iface).toBe('eth0');
        if (route.destination === '0.0.0.0') expect(hostAddresses()).not.toContain(route.gateway);
      }
      expect(out.direct).not.toContain('target saw');
      expect(out.direct).not.toContain('rc=0');
      expect(out.host).not.toContain('host reached');
      expect(out.worker).not.toContain('host reached');
      expect(out.allowed).toContain('target saw allowed.test:8080 /via-proxy');
      // Plain http through a CONNECT tunnel: the proxy answers inside the tunnel, the target hears nothing.
      expect(out.tunnel).toContain('tunnels carry TLS only');
      expect(out.tunnel).not.toContain('target saw');
      expect(out.denied).toContain('refused denied.test:8080');
      expect(out.denied).toContain('status=403');
      expect(out.literal).toContain('status=200');
      const decisions = logger.records.filter(
        (r) => r.msg === 'egress allowed' || r.msg === 'egress refused',
      );
      expect(decisions.map((r) => [r.msg, r.fields.method, r.fields.host])).toEqual([
        ['egress allowed', 'GET', 'allowed.test'],
        ['egress allowed', 'CONNECT', 'allowed.test'],
        ['egress refused', 'CONNECT', 'allowed.test'],
        ['egress refused', 'GET', 'denied.test'],
        ['egress allowed', 'GET', target],
      ]);
    } finally {
      await egress.release();
    }
    await expect(docker.getNetwork(egress.networkMode).inspect()).rejects.toMatchObject({ statusCode: 404 });
    const relays = await docker.listContainers({
      all: true,
      filters: { label: [`handsbot.run-id=${runId('run-allowlist')}`] },
    });
    expect(relays).toEqual([]);
  }, 60_000);

  it('allowlist: a tunnel from the sandbox carries TLS for the host it named, nothing else', async () => {
    const logger = recordingLogger();
    const egress = await provisionEgress(
      policy({ mode: 'allowlist', hosts: ['allowed.test', target], packageRegistries: false, ports: [8443] }),
      options('run-sni', { logger }),
    );
    try {
      const { output } = await runInContainer(docker, {
        image,
        networkMode: egress.networkMode,
        env: { ...egress.env, CA_PEM: credentials.cert },
        script: [
          'printf "%s" "$CA_PEM" > /tmp/ca.pem',
          'echo "== curl"; curl -sS -m 10 --cacert /tmp/ca.pem https://allowed.test:8443/curl 2>&1; echo',
          `echo "== fronted"; ${TLS_CLIENT} allowed.test:8443 fronted.test 2>&1`,
          `echo "== plain"; curl -sS -m 10 -p http://allowed.test:8443/plain 2>&1; echo`,
        ].join('\n'),
      });
      const out = sections(output);
      expect(out.curl).toContain('target saw allowed.test:8443 /curl sni=allowed.test');
      expect(out.fronted).toContain('connect 200');
      expect(out.fronted).toMatch(/tls error: .*unrecognized name/i);
      expect(out.fronted).not.toContain('target saw');
      expect(out.plain).toContain('tunnels carry TLS only');
      expect(out.plain).not.toContain('target saw');
      const refusals = logger.records.filter((r) => r.msg === 'egress refused').map((r) => r.fields.reason);
      expect(refusals).toEqual(['server-name-mismatch', 'not-tls']);
    } finally {
      await egress.release();
    }
  }, 60_000);

  it('allowlist: npm reads through the read-only registry gateway, and npm publish is refused both ways', async () => {
    const registryTls = selfSignedCertificate(['registry.npmjs.org']);
    const registry = await startRegistryContainer(docker, {
      image,
      network: targetNetwork,
      tls: registryTls,
    });
    const logger = recordingLogger();
    const egress = await provisionEgress(
      policy({ mode: 'allowlist', hosts: [registry.address], packageRegistries: true }),
      options('run-registry', {
        logger,
        upstreamCa: registryTls.cert,
        resolve: async (name) => {
          if (name === 'registry.npmjs.org') return [registry.address];
          throw Object.assign(new Error(`no such host ${name}`), { code: 'ENOTFOUND' });
        },
      }),
    );
    try {
      expect(egress.env.npm_config_registry).toMatch(
        /^http:\/\/[\d.]+:3128\/registry\/registry\.npmjs\.org\/$/,
      );
      const { output } = await runInContainer(docker, {
        image,
        networkMode: egress.networkMode,
        env: {
          ...egress.env,
          npm_config_userconfig: '/tmp/npmrc',
          npm_config_cache: '/tmp/npm-cache',
          npm_config_fetch_retries: '0',
        },
        script: [
          'mkdir -p /tmp/pkg && cd /tmp/pkg',
          `printf '{"name":"hb-leak","version":"1.0.0"}' > package.json`,
          // Tokens the attacker might bring, so npm gets as far as sending the upload.
          'printf "%s:_authToken=fake\\n//registry.npmjs.org/:_authToken=fake\\n" "$(echo "$npm_config_registry" | cut -c6-)" > /tmp/npmrc',
          'echo "== view"; npm view hb-demo version 2>&1',
          'echo "== publish"; npm publish 2>&1; echo "rc=$?"',
          'echo "== direct"; npm publish --registry https://registry.npmjs.org/ 2>&1; echo "rc=$?"',
        ].join('\n'),
      });
      const out = sections(output);
      expect(out.view?.trim()).toBe('1.0.0');
      expect(out.publish).toContain('405 Method Not Allowed - PUT');
      expect(out.publish).not.toContain('rc=0');
      expect(out.direct).toContain('403 Forbidden - PUT https://registry.npmjs.org/hb-leak');
      expect(out.direct).not.toContain('rc=0');
      const refused = logger.records.filter((r) => r.msg === 'egress refused').map((r) => r.fields.reason);
      expect(refused).toContain('registry-read-only');
      const seen = (await registry.container.logs({ stdout: true })).toString('utf8');
      expect(seen).toContain('GET /hb-demo');
      expect(seen).not.toMatch(/PUT|POST/);
    } finally {
      await egress.release();
    }
  }, 90_000);

  it('allowlist: a listed name resolving to a private address is refused when the address is not listed', async () => {
    const egress = await provisionEgress(
      policy({ mode: 'allowlist', hosts: ['name-only.test'], packageRegistries: false, ports: [8080] }),
      options('run-name-only'),
    );
    try {
      const { output } = await runInContainer(docker, {
        image,
        networkMode: egress.networkMode,
        env: egress.env,
        script: `curl -sS -m 10 -w ' status=%{http_code}' http://name-only.test:8080/`,
      });
      expect(output).toContain('which is not public and not listed');
      expect(output).toContain('status=403');
    } finally {
      await egress.release();
    }
  }, 60_000);

  it('allowlist: DNS queries do not leave the network, even with an upstream resolver configured', async () => {
    // A fake resolver on the target network's gateway records every query that reaches it. Docker's
    // embedded DNS forwards from the container's own namespace, so on a network with no route out a
    // query has nowhere to go; the control run on an ordinary bridge shows the probe does hear them.
    const gateway = (await docker.getNetwork(targetNetwork).inspect()).IPAM?.Config?.[0]?.Gateway ?? '';
    const heard: string[] = [];
    const probe = createSocket('udp4');
    probe.on('message', (_message, from) => heard.push(from.address));
    await new Promise<void>((resolve) => probe.bind(53, gateway, resolve));
    const egress = await provisionEgress(
      policy({ mode: 'allowlist', hosts: ['allowed.test'], packageRegistries: false }),
      options('run-dns'),
    );
    try {
      const lookup = {
        image,
        dns: [gateway],
        script: 'timeout 4 getent hosts leak-probe.test; echo "rc=$?"',
      };
      await runInContainer(docker, { ...lookup, networkMode: egress.networkMode, env: egress.env });
      expect(heard).toEqual([]);
      await runInContainer(docker, { ...lookup, networkMode: targetNetwork });
      expect(heard.length).toBeGreaterThan(0);
    } finally {
      probe.close();
      await egress.release();
    }
  }, 60_000);

  it('open: a bridge of its own with no proxy variables, and no way to the host through its gateway', async () => {
    const egress = await provisionEgress(policy({ mode: 'open' }), options('run-open'));
    try {
      expect(egress.env).toEqual({});
      const info = await docker.getNetwork(egress.networkMode).inspect();
      expect(info.Internal).toBe(false);
      expect(info.Labels).toMatchObject({
        'handsbot.run-id': runId('run-open'),
        'handsbot.network-mode': 'open',
      });
      const gateway = info.IPAM?.Config?.[0]?.Gateway ?? '';
      const { output } = await runInContainer(docker, {
        image,
        networkMode: egress.networkMode,
        script: `curl -sS -m 5 http://${gateway}:${hostPort}/; echo "rc=$?"`,
      });
      expect(output).not.toContain('host reached');
      expect(output).not.toContain('rc=0');
    } finally {
      await egress.release();
    }
    await expect(docker.getNetwork(egress.networkMode).inspect()).rejects.toMatchObject({ statusCode: 404 });
  }, 60_000);

  it('the reaper removes the relay and networks of runs that are no longer active', async () => {
    const kept = await provisionEgress(policy({ mode: 'open' }), options('run-kept'));
    const orphan = await provisionEgress(
      policy({ mode: 'allowlist', hosts: ['allowed.test'], packageRegistries: false }),
      options('run-orphan'),
    );
    const reaped = await reapEgress({
      docker,
      logger: recordingLogger(),
      isActive: (id) => id !== runId('run-orphan'),
    });
    expect(reaped).toMatchObject({ containers: 1, networks: 1 });
    await expect(docker.getNetwork(orphan.networkMode).inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect((await docker.getNetwork(kept.networkMode).inspect()).Name).toBe(kept.networkMode);
    // Releasing after the reaper is harmless (it only stops the proxy).
    await orphan.release();
    await kept.release();
  }, 60_000);
});

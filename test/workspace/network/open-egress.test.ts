import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import path from 'node:path';
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { networkPolicySchema } from '../../../src/workspace/network/network-policy.js';
import {
  chainFor,
  OPEN_BLOCKED_RANGES,
  openFirewallRules,
} from '../../../src/workspace/network/open-egress-firewall.js';
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
  startTargetContainer,
  TEST_LABELS,
  TEST_SESSION,
  testName,
} from './docker-test-env.js';
import { recordingLogger } from './proxy-client.js';

const iptablesRules = () => execFileSync('iptables', ['-w', '-S']).toString('utf8');
const bridgeOf = async (docker: Dockerode, network: string) =>
  (await docker.getNetwork(network).inspect()).Options?.['com.docker.network.bridge.name'] ?? '';

/**
 * A stand-in for the public internet that never leaves the machine: a network namespace holding
 * 198.51.100.2 (TEST-NET-2, documentation space no real host uses), joined to the host by a veth
 * pair, with an HTTP server in it. The host routes to it as it would to any public address.
 */
async function startPublicStandIn(): Promise<{ address: string; port: number; stop(): void }> {
  const suffix = randomBytes(3).toString('hex');
  const ns = `hbtest-${suffix}`;
  const hostSide = `hbv${suffix}`;
  const run = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
  run('netns', 'add', ns);
  run('link', 'add', hostSide, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
  run('addr', 'add', '198.51.100.1/30', 'dev', hostSide);
  run('link', 'set', hostSide, 'up');
  run('netns', 'exec', ns, 'ip', 'addr', 'add', '198.51.100.2/30', 'dev', 'eth0');
  run('netns', 'exec', ns, 'ip', 'link', 'set', 'eth0', 'up');
  run('netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up');
  const server: ChildProcess = spawn(
    'ip',
    [
      'netns',
      'exec',
      ns,
      process.execPath,
      '-e',
      `require('http').createServer((q, s) => s.end('public stand-in saw ' + q.url))
        .listen(8080, '198.51.100.2', () => console.log('listening'))`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    server.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listening')) resolve();
    });
    server.once('exit', (code) => reject(new Error(`public stand-in exited with ${code}`)));
  });
  return {
    address: '198.51.100.2',
    port: 8080,
    stop() {
      server.kill('SIGKILL');
      run('link', 'del', hostSide);
      run('netns', 'del', ns);
    },
  };
}

describe('open mode: the internet, but not the host, its neighbours or private ranges', () => {
  let docker: Dockerode;
  let image: string;
  let otherNetwork: string;
  let neighbour: string;
  let hostServer: Server;
  let hostPort: number;
  let publicStandIn: Awaited<ReturnType<typeof startPublicStandIn>>;
  let resolvConf: string;

  beforeAll(async () => {
    ({ docker, image } = await dockerForTests());
    otherNetwork = testName('neighbours');
    await docker.createNetwork({ Name: otherNetwork, Driver: 'bridge', Labels: { ...TEST_LABELS } });
    neighbour = (await startTargetContainer(docker, { image, network: otherNetwork })).address;
    // On every host address: what a sandbox reaches through its gateway or another bridge's.
    hostServer = createServer((_req, res) => res.end('host reached'));
    await new Promise<void>((resolve) => hostServer.listen(0, '0.0.0.0', resolve));
    hostPort = (hostServer.address() as AddressInfo).port;
    publicStandIn = await startPublicStandIn();
    // A resolver in a private range, as on this machine: it stays reachable on port 53 only.
    resolvConf = path.join(await mkdtemp(path.join(tmpdir(), 'hb-resolv-')), 'resolv.conf');
    await writeFile(resolvConf, 'nameserver 10.0.0.53\nnameserver 127.0.0.53\n');
  }, 60_000);

  afterAll(async () => {
    hostServer?.close();
    publicStandIn?.stop();
    if (resolvConf !== undefined) await rm(path.dirname(resolvConf), { recursive: true, force: true });
    if (docker !== undefined) await removeTestObjects(docker);
  }, 60_000);

  const options = (name: string): ProvisionEgressOptions => ({
    docker,
    logger: recordingLogger(),
    runId: `${name}-${TEST_SESSION}`,
    relayImage: image,
    labels: TEST_LABELS,
    resolvConfPath: resolvConf,
  });
  const open = networkPolicySchema.parse({ mode: 'open' });

  const probes = (targets: Record<string, string>) =>
    [
      'echo "== inet6"; cat /proc/net/if_inet6',
      ...Object.entries(targets).map(
        ([name, url]) => `echo "== ${name}"; curl -sS -m 5 ${url} 2>&1; rc=$?; echo; echo "rc=$rc"`,
      ),
    ].join('\n');

  it('reaches a public address, and none of: its gateway, another bridge, the host, a neighbour network', async () => {
    const egress = await provisionEgress(open, options('open-walls'));
    try {
      const info = await docker.getNetwork(egress.networkMode).inspect();
      const gateway = info.IPAM?.Config?.[0]?.Gateway ?? '';
      // Another run's bridge: its gateway is the host too (where egress proxies listen).
      const otherGateway = (await docker.getNetwork(otherNetwork).inspect()).IPAM?.Config?.[0]?.Gateway ?? '';
      const hostAddress =
        Object.values(networkInterfaces())
          .flat()
          .find((entry) => entry?.family === 'IPv4' && !entry.internal && entry.address !== gateway)
          ?.address ?? '';
      const targets = {
        public: `http://${publicStandIn.address}:${publicStandIn.port}/open`,
        gateway: `http://${gateway}:${hostPort}/`,
        otherBridge: `http://${otherGateway}:${hostPort}/`,
        host: `http://${hostAddress}:${hostPort}/`,
        neighbour: `http://${neighbour}:8080/`,
      };
      const out = sections(
        (await runInContainer(docker, { image, networkMode: egress.networkMode, script: probes(targets) }))
          .output,
      );
      expect(out.public).toContain('public stand-in saw /open');
      for (const name of ['gateway', 'otherBridge', 'host', 'neighbour'] as const) {
        expect(out[name], name).not.toContain('host reached');
        expect(out[name], name).not.toContain('target saw');
        expect(out[name], name).not.toContain('rc=0');
      }
      expect(out.inet6?.trim()).toBe('');

      // The same probes from an ordinary bridge without the rules reach the host: they are real.
      const control = sections(
        (await runInContainer(docker, { image, networkMode: otherNetwork, script: probes(targets) })).output,
      );
      expect(control.otherBridge).toContain('host reached');
      expect(control.host).toContain('host reached');
    } finally {
      await egress.release();
    }
  }, 90_000);

  it('lists every blocked range in the bridge chain, keeps DNS to the engine upstream, and removes all at release', async () => {
    const egress = await provisionEgress(open, options('open-rules'));
    const bridge = await bridgeOf(docker, egress.networkMode);
    const chain = chainFor(bridge);
    const rules = iptablesRules();
    expect(rules).toContain(`-A DOCKER-USER -i ${bridge} -j ${chain}`);
    expect(rules).toContain(`-A INPUT -i ${bridge} -j ${chain}`);
    for (const range of OPEN_BLOCKED_RANGES) expect(rules).toContain(`-A ${chain} -d ${range} -j REJECT`);
    expect(rules).toContain(`-A ${chain} -d 10.0.0.53/32 -p udp -m udp --dport 53 -j RETURN`);
    // The loopback resolver is the engine's to reach from the host, not the sandbox's.
    expect(rules).not.toContain('127.0.0.53');
    expect(openFirewallRules(['10.0.0.53']).at(-1)).toEqual(['-j', 'RETURN']);
    await egress.release();
    expect(iptablesRules()).not.toContain(chain);
  }, 60_000);

  it('the reaper removes the rules of an open network a crashed worker left', async () => {
    const kept = await provisionEgress(open, options('open-kept'));
    const orphan = await provisionEgress(open, options('open-orphan'));
    const orphanChain = chainFor(await bridgeOf(docker, orphan.networkMode));
    const keptChain = chainFor(await bridgeOf(docker, kept.networkMode));
    try {
      const reaped = await reapEgress({
        docker,
        logger: recordingLogger(),
        isActive: (id) => id !== `open-orphan-${TEST_SESSION}`,
      });
      expect(reaped).toMatchObject({ networks: 1, firewalls: 1 });
      const rules = iptablesRules();
      expect(rules).not.toContain(orphanChain);
      expect(rules).toContain(keptChain);
    } finally {
      await orphan.release();
      await kept.release();
    }
    expect(iptablesRules()).not.toContain(keptChain);
  }, 60_000);
});

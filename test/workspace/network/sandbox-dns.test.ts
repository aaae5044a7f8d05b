import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DockerWorkspace } from '../../../src/workspace/docker/index.js';
import {
  type NetworkPolicyInput,
  networkPolicySchema,
} from '../../../src/workspace/network/network-policy.js';
import { type ProvisionedEgress, provisionEgress } from '../../../src/workspace/network/provision-egress.js';
import {
  engineForwardsInternalDns,
  INTERNAL_DNS_CVE,
  SandboxDnsExposureError,
} from '../../../src/workspace/network/sandbox-dns.js';
import { type DockerTestContext, dockerTestContext } from '../docker/test-workspace.js';
import { removeTestObjects, sections, TEST_LABELS, TEST_SESSION, testName } from './docker-test-env.js';
import { recordingLogger } from './proxy-client.js';

describe('which engines forward DNS out of internal networks (CVE-2024-29018)', () => {
  it('counts versions before 23.0.11, 24.x, 25.0.0–25.0.4 and unreadable ones as affected', () => {
    for (const version of ['20.10.24+dfsg1', '23.0.10', '24.0.9', '25.0.4', 'v25.0.0', 'dev', '']) {
      expect(engineForwardsInternalDns(version), version).toBe(true);
    }
    for (const version of ['23.0.11', '23.0.15', '25.0.5', '26.0.0', '27.3.1', '28.2.2']) {
      expect(engineForwardsInternalDns(version), version).toBe(false);
    }
  });
});

/**
 * A UDP listener on the sandbox's own 127.0.0.1:53 that prints the name of every query it hears, then
 * a lookup. The sandbox user may bind port 53 (Docker sets ip_unprivileged_port_start=0 in the
 * container's namespace); the query reaching it is the proof that the resolver's upstream is the
 * container's own loopback, so nothing left the sandbox.
 */
const LOOKUP_SCRIPT = [
  'echo "== resolv"; cat /etc/resolv.conf',
  'echo "== ifaces"; ls /sys/class/net',
  'echo "== routes"; tail -n +2 /proc/net/route',
  `node -e '
const s = require("dgram").createSocket("udp4");
s.on("message", (m) => {
  const labels = []; let i = 12;
  while (m[i] > 0) { labels.push(m.subarray(i + 1, i + 1 + m[i]).toString()); i += 1 + m[i]; }
  console.log("heard " + labels.join("."));
});
s.bind(53, "127.0.0.1", () => console.log("listening"));
setTimeout(() => process.exit(0), 8000);' > /tmp/dns.log 2>&1 &`,
  'for i in $(seq 100); do grep -q listening /tmp/dns.log && break; sleep 0.1; done',
  'echo "== lookup"; getent hosts leak-probe.handsbot.test; echo "rc=$?"',
  'echo "== heard"; sleep 0.3; cat /tmp/dns.log',
].join('\n');

describe('DNS inside the sandbox, read from inside it', () => {
  let ctx: DockerTestContext;
  let egressBridge: string;
  const provisioned: ProvisionedEgress[] = [];

  beforeAll(() => {
    egressBridge = testName('egress');
  });
  beforeEach(async () => {
    ctx = await dockerTestContext();
  });
  afterEach(async () => {
    await ctx?.cleanup();
    await Promise.all(provisioned.splice(0).map((egress) => egress.release()));
  });
  afterAll(async () => {
    if (ctx !== undefined) await removeTestObjects(ctx.docker);
  }, 60_000);

  /** The provider's composition: the run's egress, then the sandbox on it with its DNS and env. */
  async function sandbox(input: NetworkPolicyInput): Promise<DockerWorkspace> {
    const egress = await provisionEgress(networkPolicySchema.parse(input), {
      docker: ctx.docker,
      logger: recordingLogger(),
      runId: `dns-${input.mode}-${TEST_SESSION}`,
      relayImage: ctx.image,
      egressBridge,
      labels: TEST_LABELS,
      resolve: async () => ['192.0.2.1'],
    });
    provisioned.push(egress);
    return ctx.workspace({ network: egress.networkMode, dns: egress.dns, env: egress.env });
  }

  it('none: resolv.conf names no resolver, there is no interface but lo and no route, and a lookup ends inside', async () => {
    const workspace = await sandbox({ mode: 'none' });
    const out = sections((await workspace.exec(LOOKUP_SCRIPT, { timeoutMs: 30_000 })).output);
    // With networking disabled Docker writes an empty resolv.conf (not the host's resolvers), and
    // the C library then asks 127.0.0.1: the listener below hearing the query shows it.
    expect(out.resolv?.match(/^nameserver .*/gm) ?? []).toEqual([]);
    expect(out.ifaces?.trim().split(/\s+/)).toEqual(['lo']);
    expect(out.routes?.trim()).toBe('');
    expect(out.lookup).not.toContain('rc=0');
    expect(out.heard).toContain('heard leak-probe.handsbot.test');
  }, 60_000);

  it("allowlist: Docker's embedded resolver forwards only to the sandbox's own loopback, so a lookup never leaves it", async () => {
    const workspace = await sandbox({ mode: 'allowlist', hosts: ['allowed.test'], packageRegistries: false });
    const out = sections((await workspace.exec(LOOKUP_SCRIPT, { timeoutMs: 30_000 })).output);
    // The engine keeps its resolver on user-defined networks; what matters is where it forwards.
    expect(out.resolv?.match(/^nameserver .*/gm)).toEqual(['nameserver 127.0.0.11']);
    expect(out.resolv).toContain('timeout:1');
    expect(out.ifaces?.trim().split(/\s+/).sort()).toEqual(['eth0', 'lo']);
    expect(out.lookup).not.toContain('rc=0');
    expect(out.heard).toContain('heard leak-probe.handsbot.test');
  }, 60_000);

  it(`refuses a sandbox using the engine's resolver on an internal network of an engine with ${INTERNAL_DNS_CVE}`, async () => {
    const version = (await ctx.docker.version()).Version;
    // This machine's engine (20.10) is affected; the test says so rather than passing vacuously.
    expect(engineForwardsInternalDns(version)).toBe(true);
    const internal = testName('internal');
    await ctx.docker.createNetwork({ Name: internal, Internal: true, Labels: { ...TEST_LABELS } });
    const attempt = ctx.workspace({ network: internal, dns: 'engine' });
    await expect(attempt).rejects.toBeInstanceOf(SandboxDnsExposureError);
    await expect(attempt).rejects.toThrow(INTERNAL_DNS_CVE);
    // Closed DNS on the same network starts.
    const workspace = await ctx.workspace({ network: internal, dns: 'closed' });
    expect((await workspace.exec('echo up')).output).toBe('up\n');
  }, 60_000);
});

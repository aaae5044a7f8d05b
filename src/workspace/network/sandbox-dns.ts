import type Dockerode from 'dockerode';

/**
 * How a sandbox resolves names.
 * - `closed`: it does not. Its only resolver is its own loopback: on `none` that is what
 *   /etc/resolv.conf names; on a user-defined network Docker's embedded resolver (127.0.0.11) stays,
 *   but forwards to the container's own loopback. An `allowlist` sandbox needs no DNS: its clients
 *   hand names to the egress proxy, which resolves the listed ones itself.
 * - `engine`: Docker's usual resolver, forwarding to the host's upstreams (`open` mode).
 */
export type SandboxDns = 'closed' | 'engine';

/**
 * `--dns 127.0.0.1` is the documented way to make Docker's embedded resolver forward from the
 * container's own network namespace: an upstream given per container is never taken for the host's
 * loopback resolver (libnetwork `setupDNS`: "--dns 127.0.0.x config refers to the loopback in the
 * container namespace"). Nothing listens there, so a query ends inside the sandbox. The short
 * timeout makes a lookup fail in about two seconds instead of twenty.
 */
export const CLOSED_DNS_SERVERS: readonly string[] = Object.freeze(['127.0.0.1']);
export const CLOSED_DNS_OPTIONS: readonly string[] = Object.freeze(['timeout:1', 'attempts:1']);

/** The Docker fields of a container's DNS settings; empty for `engine`. */
export function dnsHostConfig(dns: SandboxDns): { Dns?: string[]; DnsOptions?: string[] } {
  return dns === 'closed' ? { Dns: [...CLOSED_DNS_SERVERS], DnsOptions: [...CLOSED_DNS_OPTIONS] } : {};
}

export const INTERNAL_DNS_CVE = 'CVE-2024-29018';

/**
 * Whether this engine forwards DNS for containers on internal networks (CVE-2024-29018): when the
 * host's resolver is on its loopback, dockerd forwards from its own namespace, so a container with no
 * route out can still send data out in query names. Fixed in 23.0.11, 25.0.5 and 26.0.0 (no 24.x
 * release has the fix). A version that cannot be read counts as affected.
 */
export function engineForwardsInternalDns(version: string): boolean {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version.trim());
  if (match === null) return true;
  const [major, minor, patch] = match.slice(1).map(Number) as [number, number, number];
  if (major >= 26) return false;
  if (major === 25) return minor === 0 && patch < 5;
  if (major === 23) return minor === 0 && patch < 11;
  return true;
}

/** A sandbox would sit on an internal network of an engine whose DNS forwards out of it. */
export class SandboxDnsExposureError extends Error {
  override readonly name = 'SandboxDnsExposureError';
  constructor(
    readonly engineVersion: string,
    readonly network: string,
  ) {
    super(
      `Docker ${engineVersion} forwards DNS queries out of internal networks (${INTERNAL_DNS_CVE}, fixed ` +
        `in 23.0.11, 25.0.5 and 26.0.0): a sandbox on ${network} could send data out in names it looks ` +
        'up. Refusing to start it with the engine resolver; give it closed DNS or upgrade Docker.',
    );
  }
}

const engineVersions = new WeakMap<Dockerode, Promise<string>>();

/** The engine's version, asked once per client. */
export function engineVersion(docker: Dockerode): Promise<string> {
  let version = engineVersions.get(docker);
  if (version === undefined) {
    version = docker.version().then((info) => info.Version);
    // A failed ask is not remembered: the next sandbox asks again.
    version.catch(() => engineVersions.delete(docker));
    engineVersions.set(docker, version);
  }
  return version;
}

/**
 * Refuses a sandbox that would resolve names through the engine on an internal network of an engine
 * with CVE-2024-29018. `none` has no resolver to reach, and closed DNS never leaves the container.
 */
export async function assertSandboxDnsContained(
  docker: Dockerode,
  network: string,
  dns: SandboxDns,
): Promise<void> {
  if (dns === 'closed' || network === 'none') return;
  const info = await docker.getNetwork(network).inspect();
  if (info.Internal !== true) return;
  const version = await engineVersion(docker);
  if (engineForwardsInternalDns(version)) throw new SandboxDnsExposureError(version, network);
}

import { randomBytes } from 'node:crypto';
import type Dockerode from 'dockerode';
import { dockerStatus, EGRESS_LABELS } from './egress-labels.js';
import { type EgressLogger, type EgressProxy, startEgressProxy } from './egress-proxy.js';
import { RELAY_PORT, startEgressRelay } from './egress-relay.js';
import { compileEgressRules, isReadOnlyRegistry, nameIsListed, type Resolver } from './egress-rules.js';
import type { AllowlistPolicy, NetworkPolicy } from './network-policy.js';
import {
  hostResolvers,
  type Iptables,
  installOpenFirewall,
  OPEN_BRIDGE_PREFIX,
  removeOpenFirewall,
} from './open-egress-firewall.js';
import { registryGatewayUrl } from './registry-gateway.js';
import type { SandboxDns } from './sandbox-dns.js';

export const DEFAULT_EGRESS_BRIDGE = 'handsbot-egress';

export interface ProvisionEgressOptions {
  docker: Dockerode;
  logger: EgressLogger;
  runId: string;
  /** Image with `node` that runs the relay: the sandbox image. Only used for `allowlist`. */
  relayImage: string;
  /** Extra labels on everything created (e.g. the worker's id). */
  labels?: Readonly<Record<string, string>>;
  /** The proxy's name resolution (tests map names to their own servers). */
  resolve?: Resolver;
  /** The shared bridge between relays and the worker. */
  egressBridge?: string;
  /**
   * Where the worker's proxy listens, reachable from the egress bridge. Defaults to the bridge's
   * gateway: the worker runs on the Docker host. A worker in a container joins the egress bridge and
   * passes its own address on it.
   */
  proxyListenHost?: string;
  /** How `open` rules are installed; `iptables` as root on the Docker host unless given. */
  iptables?: Iptables;
  /** The host's resolv.conf, whose resolvers an `open` sandbox's DNS is forwarded to. */
  resolvConfPath?: string;
  /** CA the registry gateway trusts besides the system's (tests' self-signed registries). */
  upstreamCa?: string;
}

/** What the sandbox container needs: where it is attached and the environment it gets. */
export interface ProvisionedEgress {
  readonly mode: NetworkPolicy['mode'];
  /** `HostConfig.NetworkMode` for the sandbox container. */
  readonly networkMode: string;
  /** How the sandbox resolves names: only `open` uses the engine's resolver. */
  readonly dns: SandboxDns;
  /** Proxy variables for `allowlist`; empty for `none` and `open`. Holds no secret. */
  readonly env: Readonly<Record<string, string>>;
  /** Removes the relay and the run's network and stops the proxy. Never throws; failures are logged. */
  release(): Promise<void>;
}

function networkName(runId: string, mode: string): string {
  const safe = runId.replace(/[^a-zA-Z0-9_.-]/g, '-').slice(0, 40);
  return `handsbot-${mode}-${safe}-${randomBytes(3).toString('hex')}`;
}

/**
 * Gives a run the network its policy asks for.
 * - `none`: Docker's `none` network; the container has loopback only, and no resolver.
 * - `open`: a bridge of its own, so concurrent runs cannot reach each other, with rules that keep it
 *   from the host, link-local (cloud metadata), private ranges and other runs' networks
 *   (open-egress-firewall.ts); it does not start when they cannot be installed.
 * - `allowlist`: an internal bridge of its own with no IPv4 address on the host side
 *   (`inhibit_ipv4`), so the sandbox reaches neither the internet nor the host, and no DNS (the
 *   proxy resolves the names it allows; see sandbox-dns.ts for Docker's embedded resolver); on it a relay
 *   container, also attached to the shared egress bridge, pipes connections to this worker's
 *   proxy, which listens on that bridge's gateway and applies the allowlist.
 */
export async function provisionEgress(
  policy: NetworkPolicy,
  options: ProvisionEgressOptions,
): Promise<ProvisionedEgress> {
  const { docker, logger, runId } = options;
  const labels = {
    ...options.labels,
    [EGRESS_LABELS.runId]: runId,
    [EGRESS_LABELS.networkMode]: policy.mode,
  };
  switch (policy.mode) {
    case 'none':
      return { mode: 'none', networkMode: 'none', dns: 'closed', env: {}, release: async () => {} };
    case 'open': {
      const name = networkName(runId, 'open');
      // A bridge name of our own, so the rules can name the interface before the network exists.
      const bridge = `${OPEN_BRIDGE_PREFIX}${randomBytes(5).toString('hex')}`;
      await docker.createNetwork({
        Name: name,
        Driver: 'bridge',
        CheckDuplicate: true,
        Options: { 'com.docker.network.bridge.name': bridge },
        Labels: { ...labels, [EGRESS_LABELS.role]: 'sandbox-network' },
      });
      const release = async () => {
        await removeNetwork(docker, name, logger);
        await removeOpenFirewall(bridge, options.iptables).catch((error: unknown) =>
          logger.warn({ bridge, error: String(error) }, 'egress cleanup'),
        );
      };
      try {
        const resolvers = await hostResolvers(options.resolvConfPath);
        await installOpenFirewall(bridge, {
          resolvers,
          ...(options.iptables === undefined ? {} : { iptables: options.iptables }),
        });
        logger.info(
          { runId, network: name, bridge, resolvers },
          'egress open without host and private ranges',
        );
      } catch (error) {
        await release();
        throw error;
      }
      return { mode: 'open', networkMode: name, dns: 'engine', env: {}, release };
    }
    case 'allowlist': {
      const bridge = await ensureEgressBridge(
        docker,
        options.egressBridge ?? DEFAULT_EGRESS_BRIDGE,
        options.labels,
      );
      const name = networkName(runId, 'allowlist');
      let proxy: EgressProxy | undefined;
      let relay: Dockerode.Container | undefined;
      const release = async () => {
        if (relay !== undefined) await removeContainer(relay, logger);
        await removeNetwork(docker, name, logger);
        await proxy?.close();
      };
      try {
        proxy = await startEgressProxy({
          policy,
          logger,
          host: options.proxyListenHost ?? bridge.gateway,
          ...(options.upstreamCa === undefined ? {} : { upstreamCa: options.upstreamCa }),
          ...(options.resolve === undefined ? {} : { resolve: options.resolve }),
        });
        await docker.createNetwork({
          Name: name,
          Driver: 'bridge',
          Internal: true,
          CheckDuplicate: true,
          Options: { 'com.docker.network.bridge.inhibit_ipv4': 'true' },
          Labels: { ...labels, [EGRESS_LABELS.role]: 'sandbox-network' },
        });
        const started = await startEgressRelay({
          docker,
          image: options.relayImage,
          internalNetwork: name,
          egressNetwork: bridge.name,
          proxyHost: proxy.host,
          proxyPort: proxy.port,
          labels,
        });
        relay = started.container;
        const url = `http://${started.address}:${RELAY_PORT}`;
        logger.info(
          { runId, network: name, relay: started.address, proxy: proxy.url },
          'egress allowlist ready',
        );
        const env = { ...proxyEnv(url), ...registryEnv(url, policy) };
        return { mode: 'allowlist', networkMode: name, dns: 'closed', env, release };
      } catch (error) {
        await release();
        throw error;
      }
    }
  }
}

/**
 * Both spellings: curl and Go read the lower-case ones first, npm and pip the upper-case ones. The
 * relay itself is reached directly: it is where the registry gateway answers.
 */
export function proxyEnv(url: string): Record<string, string> {
  const noProxy = `localhost,127.0.0.1,::1,${new URL(url).hostname}`;
  return {
    HTTP_PROXY: url,
    HTTPS_PROXY: url,
    http_proxy: url,
    https_proxy: url,
    NO_PROXY: noProxy,
    no_proxy: noProxy,
  };
}

/**
 * Points package managers at the read-only registry gateway for registries that would otherwise be
 * refused (they take uploads): npm, pnpm and both yarns read the npm registry from these. Nothing
 * when the policy allows uploads (tunnels to the registries stay open) or does not allow npm.
 */
export function registryEnv(url: string, policy: AllowlistPolicy): Record<string, string> {
  const rules = compileEgressRules(policy);
  const npm = 'registry.npmjs.org';
  if (!isReadOnlyRegistry(rules, npm) || !nameIsListed(rules, npm)) return {};
  const gateway = registryGatewayUrl(url, npm);
  return { npm_config_registry: gateway, YARN_REGISTRY: gateway, YARN_NPM_REGISTRY_SERVER: gateway };
}

/**
 * The shared bridge between relays and workers, created on first use. Relays on it cannot talk to
 * each other (`enable_icc` off); its gateway is the host, where the worker's proxies listen.
 */
export async function ensureEgressBridge(
  docker: Dockerode,
  name: string,
  extraLabels: Readonly<Record<string, string>> = {},
): Promise<{ name: string; gateway: string }> {
  const network = docker.getNetwork(name);
  let info: Dockerode.NetworkInspectInfo;
  try {
    info = await network.inspect();
  } catch (error) {
    if (dockerStatus(error) !== 404) throw error;
    try {
      await docker.createNetwork({
        Name: name,
        Driver: 'bridge',
        CheckDuplicate: true,
        Options: { 'com.docker.network.bridge.enable_icc': 'false' },
        Labels: { ...extraLabels, [EGRESS_LABELS.role]: 'egress-bridge' },
      });
    } catch (createError) {
      // Another worker created it between our inspect and create: use theirs.
      if (dockerStatus(createError) !== 409) throw createError;
    }
    info = await network.inspect();
  }
  const gateway = info.IPAM?.Config?.find((config) => config.Gateway?.includes('.'))?.Gateway;
  if (gateway === undefined)
    throw new Error(`Docker network ${name} has no IPv4 gateway for the egress proxy`);
  return { name, gateway };
}

async function removeContainer(container: Dockerode.Container, logger: EgressLogger): Promise<void> {
  try {
    await container.remove({ force: true });
  } catch (error) {
    if (dockerStatus(error) !== 404)
      logger.warn({ container: container.id, error: String(error) }, 'egress cleanup');
  }
}

/** Disconnects whatever is still attached (a sandbox its owner failed to remove), then removes. */
export async function removeNetwork(docker: Dockerode, name: string, logger: EgressLogger): Promise<void> {
  const network = docker.getNetwork(name);
  try {
    const info = await network.inspect();
    for (const id of Object.keys(info.Containers ?? {})) {
      await network.disconnect({ Container: id, Force: true });
    }
    await network.remove();
  } catch (error) {
    if (dockerStatus(error) !== 404) logger.warn({ network: name, error: String(error) }, 'egress cleanup');
  }
}

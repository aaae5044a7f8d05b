import type Dockerode from 'dockerode';
import { dockerStatus, EGRESS_LABELS } from './egress-labels.js';
import type { EgressLogger } from './egress-proxy.js';
import { type Iptables, listOpenFirewallBridges, removeOpenFirewall } from './open-egress-firewall.js';
import { removeNetwork } from './provision-egress.js';

export interface ReapEgressOptions {
  docker: Dockerode;
  logger: EgressLogger;
  /** Runs still in progress on this worker (or any worker sharing the engine): their objects stay. */
  isActive: (runId: string) => boolean;
  iptables?: Iptables;
}

/**
 * Removes relays and per-run networks left by runs that are no longer active (a crashed worker).
 * Sandbox containers are the workspace reaper's; run it first so networks are free to remove (a
 * network still in use is disconnected by force). The shared egress bridge is kept. Then the host
 * rules of `open` bridges that no longer exist.
 */
export async function reapEgress(
  options: ReapEgressOptions,
): Promise<{ containers: number; networks: number; firewalls: number }> {
  const { docker, logger, isActive } = options;
  const orphaned = (labels: Record<string, string> | undefined) => {
    const runId = labels?.[EGRESS_LABELS.runId];
    return runId !== undefined && !isActive(runId);
  };
  let containers = 0;
  const relays = await docker.listContainers({
    all: true,
    filters: { label: [`${EGRESS_LABELS.role}=egress-relay`] },
  });
  for (const relay of relays.filter((entry) => orphaned(entry.Labels))) {
    try {
      await docker.getContainer(relay.Id).remove({ force: true });
      containers += 1;
    } catch (error) {
      if (dockerStatus(error) !== 404)
        logger.warn({ container: relay.Id, error: String(error) }, 'egress reap');
    }
  }
  const networks = await docker.listNetworks({
    filters: { label: [`${EGRESS_LABELS.role}=sandbox-network`] },
  });
  let removed = 0;
  for (const network of networks.filter((entry) => orphaned(entry.Labels))) {
    await removeNetwork(docker, network.Name, logger);
    removed += 1;
  }
  const firewalls = await reapOpenFirewalls(docker, logger, options.iptables);
  if (containers + removed + firewalls > 0)
    logger.info({ containers, networks: removed, firewalls }, 'egress reaped orphans');
  return { containers, networks: removed, firewalls };
}

/**
 * Removes the rules of bridges no network uses any more. Chains are listed before networks: a chain
 * exists only after its network, so a network made meanwhile never loses its rules.
 */
async function reapOpenFirewalls(
  docker: Dockerode,
  logger: EgressLogger,
  iptables: Iptables | undefined,
): Promise<number> {
  let reaped = 0;
  try {
    const bridges = await listOpenFirewallBridges(iptables);
    if (bridges.length === 0) return 0;
    const networks = await docker.listNetworks({
      filters: { label: [`${EGRESS_LABELS.role}=sandbox-network`] },
    });
    const live = new Set(networks.map((network) => network.Options?.['com.docker.network.bridge.name']));
    for (const bridge of bridges.filter((name) => !live.has(name))) {
      await removeOpenFirewall(bridge, iptables);
      reaped += 1;
    }
  } catch (error) {
    logger.warn({ error: String(error) }, 'egress reap of open-network rules');
  }
  return reaped;
}

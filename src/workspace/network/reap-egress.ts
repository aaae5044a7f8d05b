import type Dockerode from 'dockerode';
import { dockerStatus, EGRESS_LABELS } from './egress-labels.js';
import type { EgressLogger } from './egress-proxy.js';
import { removeNetwork } from './provision-egress.js';

export interface ReapEgressOptions {
  docker: Dockerode;
  logger: EgressLogger;
  /** Runs still in progress on this worker (or any worker sharing the engine): their objects stay. */
  isActive: (runId: string) => boolean;
}

/**
 * Removes relays and per-run networks left by runs that are no longer active (a crashed worker).
 * Sandbox containers are the workspace reaper's; run it first so networks are free to remove (a
 * network still in use is disconnected by force). The shared egress bridge is kept.
 */
export async function reapEgress(
  options: ReapEgressOptions,
): Promise<{ containers: number; networks: number }> {
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
  if (containers + removed > 0) logger.info({ containers, networks: removed }, 'egress reaped orphans');
  return { containers, networks: removed };
}

import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';

/** Runs `iptables` with these arguments and resolves with its standard output. Injected by tests. */
export type Iptables = (args: readonly string[]) => Promise<string>;

export const systemIptables: Iptables = (args) =>
  new Promise((resolve, reject) => {
    // -w: wait for the xtables lock dockerd and other workers also take.
    execFile('iptables', ['-w', ...args], { timeout: 30_000 }, (error, stdout, stderr) => {
      if (error)
        reject(new OpenEgressFirewallError(`iptables ${args.join(' ')}: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });

/** The worker could not install or remove an open sandbox's rules; the sandbox must not start. */
export class OpenEgressFirewallError extends Error {
  override readonly name = 'OpenEgressFirewallError';
}

/**
 * What an `open` sandbox may not reach (IPv4; its networks have no IPv6): "this network", private
 * and carrier-grade NAT ranges, loopback, link-local (the cloud metadata service at 169.254.169.254
 * included), multicast and reserved. The host's own addresses, whatever their range, are refused by
 * address type, which also covers every other bridge's gateway (other runs' egress proxies listen
 * there). Other runs' containers are behind Docker's own isolation between bridges as well.
 */
export const OPEN_BLOCKED_RANGES: readonly string[] = Object.freeze([
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '224.0.0.0/4',
  '240.0.0.0/4',
]);

const CHAIN_PREFIX = 'HANDSBOT-';
/** Bridge names this module gives open networks (Linux allows 15 characters). */
export const OPEN_BRIDGE_PREFIX = 'hbo-';

export function chainFor(bridge: string): string {
  return `${CHAIN_PREFIX}${bridge}`;
}

/**
 * The engine's upstream resolvers as the host's resolv.conf lists them. Docker's embedded resolver
 * forwards an `open` sandbox's queries to these from the sandbox's own namespace, so they must stay
 * reachable on port 53 even when they sit in a private range. Loopback resolvers are left out: the
 * engine reaches them from the host's namespace, where these rules do not apply.
 */
export async function hostResolvers(resolvConfPath = '/etc/resolv.conf'): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(resolvConfPath, 'utf8');
  } catch {
    return [];
  }
  return [...text.matchAll(/^\s*nameserver\s+(\S+)/gm)]
    .map((match) => match[1] ?? '')
    .filter((address) => isIP(address) === 4 && !address.startsWith('127.'));
}

/** The chain's rules, in order: DNS to the engine's upstreams, then refusals; anything else returns. */
export function openFirewallRules(resolvers: readonly string[]): string[][] {
  const reject = ['-j', 'REJECT', '--reject-with', 'icmp-admin-prohibited'];
  return [
    ...resolvers.flatMap((resolver) =>
      ['udp', 'tcp'].map((protocol) => [
        '-d',
        `${resolver}/32`,
        '-p',
        protocol,
        '--dport',
        '53',
        '-j',
        'RETURN',
      ]),
    ),
    ['-m', 'addrtype', '--dst-type', 'LOCAL', ...reject],
    ['-m', 'addrtype', '--dst-type', 'BROADCAST', '-j', 'DROP'],
    ...OPEN_BLOCKED_RANGES.map((range) => ['-d', range, ...reject]),
    ['-j', 'RETURN'],
  ];
}

/**
 * Installs the rules of one `open` sandbox's bridge: a chain of its own, jumped to from DOCKER-USER
 * (traffic the host forwards: the internet, other networks, published ports of other containers) and
 * from INPUT (traffic to the host itself). Idempotent: an earlier chain of that bridge is replaced.
 */
export async function installOpenFirewall(
  bridge: string,
  options: { resolvers: readonly string[]; iptables?: Iptables },
): Promise<void> {
  const iptables = options.iptables ?? systemIptables;
  await removeOpenFirewall(bridge, iptables);
  const chain = chainFor(bridge);
  await iptables(['-N', chain]);
  try {
    for (const rule of openFirewallRules(options.resolvers)) await iptables(['-A', chain, ...rule]);
    await iptables(['-I', 'DOCKER-USER', '1', '-i', bridge, '-j', chain]);
    await iptables(['-I', 'INPUT', '1', '-i', bridge, '-j', chain]);
  } catch (error) {
    await removeOpenFirewall(bridge, iptables).catch(() => undefined);
    throw error;
  }
}

/** Removes a bridge's jumps and chain; nothing to remove is fine. */
export async function removeOpenFirewall(bridge: string, iptables: Iptables = systemIptables): Promise<void> {
  const chain = chainFor(bridge);
  for (const parent of ['DOCKER-USER', 'INPUT']) {
    const rules = await iptables(['-S', parent]);
    const jumps = rules.split('\n').filter((line) => line.trim() === `-A ${parent} -i ${bridge} -j ${chain}`);
    for (const _ of jumps) await iptables(['-D', parent, '-i', bridge, '-j', chain]);
  }
  if ((await listOpenFirewallBridges(iptables)).includes(bridge)) {
    await iptables(['-F', chain]);
    await iptables(['-X', chain]);
  }
}

/** Bridges that have a chain of this module on the host. */
export async function listOpenFirewallBridges(iptables: Iptables = systemIptables): Promise<string[]> {
  const rules = await iptables(['-S']);
  return rules
    .split('\n')
    .map((line) => /^-N (\S+)$/.exec(line.trim())?.[1])
    .filter((chain): chain is string => chain?.startsWith(`${CHAIN_PREFIX}${OPEN_BRIDGE_PREFIX}`) === true)
    .map((chain) => chain.slice(CHAIN_PREFIX.length));
}

import { BlockList, isIP } from 'node:net';
import { type AllowlistPolicy, allowlistRules, UPLOAD_REGISTRY_HOSTS } from './network-policy.js';

/** Resolves a host name to every address it has. Injected so tests never touch real DNS. */
export type Resolver = (hostname: string) => Promise<readonly string[]>;

/** An allowlist policy compiled for lookups on every connection. */
export interface EgressRules {
  readonly names: ReadonlySet<string>;
  readonly suffixes: readonly string[];
  /** Addresses and CIDRs the policy lists: the only way to a non-public destination. */
  readonly addresses: BlockList;
  readonly ports: ReadonlySet<number>;
  /** Registry hosts that take uploads and are read-only here; empty when the policy allows uploads. */
  readonly readOnlyRegistries: ReadonlySet<string>;
}

/** Where a client asked to go: host normalised (lower case, no trailing dot, IPv6 without brackets). */
export interface EgressTarget {
  readonly host: string;
  readonly port: number;
}

export type EgressRefusal =
  | 'port'
  | 'not-listed'
  | 'address-not-listed'
  | 'non-public-address'
  | 'unresolvable';

export type EgressDecision =
  | { readonly allowed: true; readonly target: EgressTarget; readonly address: string }
  | {
      readonly allowed: false;
      readonly target: EgressTarget;
      readonly reason: EgressRefusal;
      readonly detail: string;
    };

/**
 * Destinations that are not the public internet: the host itself, the LAN, the cloud metadata
 * service (169.254.169.254, fd00:ec2::254, 100.100.100.200), documentation and reserved ranges.
 * BlockList checks IPv4-mapped IPv6 (`::ffff:127.0.0.1`) against the IPv4 ranges by itself (and
 * would match every IPv4 address against a `::ffff:0:0/96` rule, so that range is not listed);
 * NAT64 forms are refused whole rather than unpacked.
 */
const NON_PUBLIC = new BlockList();
for (const [address, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  NON_PUBLIC.addSubnet(address, prefix, 'ipv4');
}
for (const [address, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  NON_PUBLIC.addSubnet(address, prefix, 'ipv6');
}

function familyOf(address: string): 'ipv4' | 'ipv6' | undefined {
  const version = isIP(address);
  return version === 4 ? 'ipv4' : version === 6 ? 'ipv6' : undefined;
}

/** True for an address on the public internet; false for anything else, malformed input included. */
export function isPublicAddress(address: string): boolean {
  const family = familyOf(address);
  return family !== undefined && !NON_PUBLIC.check(address, family);
}

export function compileEgressRules(policy: AllowlistPolicy): EgressRules {
  const names = new Set<string>();
  const suffixes: string[] = [];
  const addresses = new BlockList();
  for (const rule of allowlistRules(policy)) {
    switch (rule.kind) {
      case 'name':
        names.add(rule.name);
        break;
      case 'suffix':
        suffixes.push(rule.suffix);
        break;
      case 'address':
        addresses.addSubnet(rule.address, rule.prefix, rule.family);
        break;
    }
  }
  return {
    names,
    suffixes,
    addresses,
    ports: new Set(policy.ports),
    readOnlyRegistries: new Set(policy.registryUploads ? [] : UPLOAD_REGISTRY_HOSTS),
  };
}

/** Exact name, or a `*.` pattern matching a strict subdomain (`*.example.com` is not `example.com`). */
export function nameIsListed(rules: EgressRules, host: string): boolean {
  return rules.names.has(host) || rules.suffixes.some((suffix) => host.endsWith(`.${suffix}`));
}

/** A registry host that takes uploads, while the policy does not allow them. */
export function isReadOnlyRegistry(rules: EgressRules, host: string): boolean {
  return rules.readOnlyRegistries.has(host);
}

function addressIsListed(rules: EgressRules, address: string): boolean {
  const family = familyOf(address);
  return family !== undefined && rules.addresses.check(address, family);
}

/**
 * Decides one connection. Names are resolved once, here, and the caller connects to the returned
 * address: resolving again at connect time would let a DNS answer change between check and use
 * (rebinding to 127.0.0.1 or the metadata service).
 */
export async function decideEgress(
  rules: EgressRules,
  target: EgressTarget,
  resolve: Resolver,
): Promise<EgressDecision> {
  const refuse = (reason: EgressRefusal, detail: string): EgressDecision => ({
    allowed: false,
    target,
    reason,
    detail,
  });
  if (!rules.ports.has(target.port)) {
    return refuse('port', `port ${target.port} is not allowed (allowed: ${[...rules.ports].join(', ')})`);
  }
  if (familyOf(target.host) !== undefined) {
    return addressIsListed(rules, target.host)
      ? { allowed: true, target, address: target.host }
      : refuse('address-not-listed', `${target.host} is an IP address the policy does not list`);
  }
  if (!nameIsListed(rules, target.host)) {
    return refuse('not-listed', `${target.host} is not on the repository's allowlist`);
  }
  let resolved: readonly string[];
  try {
    resolved = (await resolve(target.host)).filter((address) => familyOf(address) !== undefined);
  } catch (cause) {
    const code = cause instanceof Error && 'code' in cause ? String(cause.code) : 'error';
    return refuse('unresolvable', `${target.host} could not be resolved (${code})`);
  }
  if (resolved.length === 0) return refuse('unresolvable', `${target.host} has no address`);
  const usable = resolved.find((address) => isPublicAddress(address) || addressIsListed(rules, address));
  if (usable === undefined) {
    return refuse(
      'non-public-address',
      `${target.host} resolves to ${resolved.join(', ')}, which is not public and not listed`,
    );
  }
  return { allowed: true, target, address: usable };
}

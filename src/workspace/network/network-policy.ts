import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * Public package registries a sandbox may reach when a repository asks for `allowlist` and does not
 * turn them off. Exact names: a wildcard here would let anyone who can register a subdomain of a
 * shared domain receive data.
 */
export const DEFAULT_REGISTRY_HOSTS: readonly string[] = Object.freeze([
  // npm, yarn
  'registry.npmjs.org',
  'registry.yarnpkg.com',
  // Python
  'pypi.org',
  'files.pythonhosted.org',
  // Debian
  'deb.debian.org',
  'security.debian.org',
  // Go
  'proxy.golang.org',
  'sum.golang.org',
  // Rust
  'crates.io',
  'static.crates.io',
  'index.crates.io',
  // Ruby
  'rubygems.org',
  'index.rubygems.org',
  // Java
  'repo.maven.apache.org',
  'repo1.maven.org',
  'plugins.gradle.org',
  // PHP, .NET
  'repo.packagist.org',
  'api.nuget.org',
]);

/**
 * Registry hosts that take uploads on the same host that serves reads (`npm publish`,
 * `cargo publish`, `gem push`, `twine upload`, `docker push`, …). Unless a repository sets
 * `registryUploads`, a sandbox reaches them only through the proxy's read-only registry gateway
 * (GET and HEAD, forwarded over TLS by the worker), never through a CONNECT tunnel whose methods the
 * proxy cannot see. Download-only hosts (files.pythonhosted.org, static.crates.io, …) are not here.
 */
export const UPLOAD_REGISTRY_HOSTS: readonly string[] = Object.freeze([
  'registry.npmjs.org',
  'registry.yarnpkg.com',
  'upload.pypi.org',
  'test.pypi.org',
  'crates.io',
  'rubygems.org',
  'plugins.gradle.org',
  'www.nuget.org',
  'registry-1.docker.io',
  'ghcr.io',
  'quay.io',
]);

/** Ports an allowlisted host may be reached on unless the policy names others. */
export const DEFAULT_EGRESS_PORTS: readonly number[] = Object.freeze([80, 443]);

/** One allowlist entry once parsed: a host name, a `*.` suffix pattern, or an address/CIDR. */
export type HostRule =
  | { kind: 'name'; name: string }
  | { kind: 'suffix'; suffix: string }
  | { kind: 'address'; address: string; prefix: number; family: 'ipv4' | 'ipv6' };

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

/** Lower-case, drop one trailing dot (`example.com.` is the same host), trim. */
export function normaliseHostName(host: string): string {
  const lower = host.trim().toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

function isHostName(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split('.');
  // A numeric last label makes URL parsers read an address (`0x7f.1`, `2130706433`), never a name.
  if (/^(\d+|0x[0-9a-f]*)$/.test(labels.at(-1) ?? '')) return false;
  return labels.every((label) => LABEL.test(label));
}

/**
 * Parses one entry as the policy file spells it. Returns the rule or a message saying what is wrong;
 * schemes, paths, ports and user info are refused so that `https://host/` does not silently mean
 * something other than what the author thought.
 */
export function parseHostRule(entry: string): HostRule | string {
  const text = normaliseHostName(entry);
  if (text.length === 0) return 'an empty host';
  if (/[/:@?#\s]/.test(text) && isIP(text) !== 6 && !isCidr(text)) {
    return `"${entry}" is not a bare host: write the host name only, without scheme, port or path`;
  }
  if (isIP(text) === 4) return { kind: 'address', address: text, prefix: 32, family: 'ipv4' };
  if (isIP(text) === 6) return { kind: 'address', address: text, prefix: 128, family: 'ipv6' };
  if (text.includes('/')) {
    const [address = '', bits = ''] = text.split('/');
    const family = isIP(address) === 4 ? 'ipv4' : 'ipv6';
    const prefix = Number(bits);
    if (!/^\d{1,3}$/.test(bits) || prefix > (family === 'ipv4' ? 32 : 128)) {
      return `"${entry}" has a bad prefix length`;
    }
    return { kind: 'address', address, prefix, family };
  }
  if (text.startsWith('*.')) {
    const suffix = text.slice(2);
    // `*.com` would open a whole top-level domain: demand at least two labels under the star.
    if (!isHostName(suffix) || !suffix.includes('.')) {
      return `"${entry}" is too broad or malformed: a pattern needs at least two labels after "*."`;
    }
    return { kind: 'suffix', suffix };
  }
  if (text.includes('*')) return `"${entry}": "*" is only allowed as the whole first label ("*.example.com")`;
  if (!isHostName(text)) return `"${entry}" is not a valid host name`;
  return { kind: 'name', name: text };
}

function isCidr(text: string): boolean {
  const [address = '', bits, ...rest] = text.split('/');
  return rest.length === 0 && bits !== undefined && isIP(address) !== 0;
}

const hostEntrySchema = z
  .string()
  .describe('A host name, a "*.example.com" pattern, or an IP address / CIDR')
  .transform((entry, ctx) => {
    const rule = parseHostRule(entry);
    if (typeof rule === 'string') {
      ctx.addIssue({ code: 'custom', message: rule });
      return z.NEVER;
    }
    return normaliseHostName(entry);
  });

const portSchema = z.number().int().min(1).max(65_535);

export const networkPolicySchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('none') }).describe('No network at all: the container has only loopback'),
  z.strictObject({ mode: z.literal('open') }).describe('Unrestricted egress through a per-run bridge'),
  z
    .strictObject({
      mode: z.literal('allowlist'),
      hosts: z
        .array(hostEntrySchema)
        .default([])
        .describe(
          'Hosts reachable through the egress proxy. Names match exactly; "*.example.com" matches ' +
            'subdomains only. Addresses and CIDRs are how non-public destinations (private, loopback, ' +
            'link-local) are allowed: a name alone never reaches them.',
        ),
      packageRegistries: z
        .boolean()
        .default(true)
        .describe('Also allow the public package registries (npm, PyPI, Debian, Go, crates.io, …)'),
      registryUploads: z
        .boolean()
        .default(false)
        .describe(
          'Let the sandbox upload to package registries (npm publish, cargo publish, gem push, ' +
            'twine upload, docker push). Off: registries that take uploads are read-only.',
        ),
      ports: z
        .array(portSchema)
        .min(1)
        .default([...DEFAULT_EGRESS_PORTS])
        .describe('Destination ports allowed'),
    })
    .describe('Egress only to listed hosts, through a forward proxy'),
]);

/** What a repository writes (defaults optional). */
export type NetworkPolicyInput = z.input<typeof networkPolicySchema>;
/** The parsed policy, defaults filled in and host entries normalised. */
export type NetworkPolicy = z.output<typeof networkPolicySchema>;
export type AllowlistPolicy = Extract<NetworkPolicy, { mode: 'allowlist' }>;

/** The default for repositories that say nothing: no network. */
export const DEFAULT_NETWORK_POLICY: NetworkPolicy = Object.freeze({ mode: 'none' });

/** Every host rule an allowlist policy grants, registries included when enabled. */
export function allowlistRules(policy: AllowlistPolicy): HostRule[] {
  const entries = [...(policy.packageRegistries ? DEFAULT_REGISTRY_HOSTS : []), ...policy.hosts];
  return entries.map((entry) => {
    const rule = parseHostRule(entry);
    // The schema already refused bad entries; a string here means the caller skipped parsing.
    if (typeof rule === 'string') throw new TypeError(`unparsed network policy entry: ${rule}`);
    return rule;
  });
}

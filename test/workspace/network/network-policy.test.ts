import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  compileEgressRules,
  decideEgress,
  isPublicAddress,
} from '../../../src/workspace/network/egress-rules.js';
import {
  DEFAULT_REGISTRY_HOSTS,
  type NetworkPolicy,
  networkPolicySchema,
} from '../../../src/workspace/network/network-policy.js';

function allowlist(input: unknown) {
  const policy: NetworkPolicy = networkPolicySchema.parse(input);
  if (policy.mode !== 'allowlist') throw new Error('expected an allowlist policy');
  return policy;
}

describe('network policy schema', () => {
  it('accepts none and open, and an allowlist that defaults to the package registries, read-only, on 80 and 443', () => {
    expect(networkPolicySchema.parse({ mode: 'none' })).toEqual({ mode: 'none' });
    expect(networkPolicySchema.parse({ mode: 'open' })).toEqual({ mode: 'open' });
    expect(allowlist({ mode: 'allowlist' })).toEqual({
      mode: 'allowlist',
      hosts: [],
      packageRegistries: true,
      registryUploads: false,
      ports: [80, 443],
    });
    expect(DEFAULT_REGISTRY_HOSTS).toEqual(
      expect.arrayContaining([
        'registry.npmjs.org',
        'pypi.org',
        'files.pythonhosted.org',
        'proxy.golang.org',
      ]),
    );
  });

  it('normalises names: lower case, trailing dot dropped', () => {
    expect(allowlist({ mode: 'allowlist', hosts: ['API.Example.COM.', '*.Example.org'] }).hosts).toEqual([
      'api.example.com',
      '*.example.org',
    ]);
  });

  it.each([
    ['https://example.com', 'without scheme'],
    ['example.com/path', 'without scheme'],
    ['example.com:8080', 'without scheme'],
    ['user@example.com', 'without scheme'],
    ['*.com', 'too broad'],
    ['api.*.example.com', 'only allowed as the whole first label'],
    ['exa mple.com', 'without scheme'],
    ['-bad.example.com', 'not a valid host name'],
    ['1.2.3', 'not a valid host name'],
    ['10.0.0.0/40', 'bad prefix length'],
    ['', 'empty'],
  ])('refuses %j (%s)', (entry, message) => {
    const result = networkPolicySchema.safeParse({ mode: 'allowlist', hosts: [entry] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain(message);
  });

  it('accepts addresses and CIDRs, both families', () => {
    expect(
      allowlist({ mode: 'allowlist', hosts: ['10.1.2.3', '192.168.0.0/16', 'fd00::1', 'fd00::/8'] }).hosts,
    ).toHaveLength(4);
  });

  it('exports a JSON Schema for people writing repository config', () => {
    const schema = JSON.stringify(z.toJSONSchema(networkPolicySchema, { io: 'input' }));
    expect(schema).toContain('"allowlist"');
    expect(schema).toContain('*.example.com');
  });

  it('refuses unknown fields and modes', () => {
    expect(networkPolicySchema.safeParse({ mode: 'allowlist', host: ['x.org'] }).success).toBe(false);
    expect(networkPolicySchema.safeParse({ mode: 'proxy' }).success).toBe(false);
  });
});

describe('egress decisions', () => {
  const never = async (): Promise<string[]> => {
    throw new Error('resolver must not be called');
  };

  it('classifies public and non-public addresses', () => {
    for (const address of ['1.1.1.1', '151.101.0.1', '2606:4700::1'])
      expect(isPublicAddress(address)).toBe(true);
    for (const address of [
      '127.0.0.1',
      '10.0.0.1',
      '172.17.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.100.100.200',
      '0.0.0.0',
      '::1',
      '::',
      'fe80::1',
      'fd00:ec2::254',
      '::ffff:127.0.0.1',
      '224.0.0.1',
      'not-an-address',
    ]) {
      expect(isPublicAddress(address), address).toBe(false);
    }
  });

  it('allows registries by default without touching names it does not need to resolve', async () => {
    const rules = compileEgressRules(allowlist({ mode: 'allowlist' }));
    const refused = await decideEgress(rules, { host: 'evil.example', port: 443 }, never);
    expect(refused).toMatchObject({ allowed: false, reason: 'not-listed' });
    const allowed = await decideEgress(rules, { host: 'registry.npmjs.org', port: 443 }, async () => [
      '104.16.0.1',
    ]);
    expect(allowed).toEqual({
      allowed: true,
      target: { host: 'registry.npmjs.org', port: 443 },
      address: '104.16.0.1',
    });
  });

  it('registries can be turned off', async () => {
    const rules = compileEgressRules(allowlist({ mode: 'allowlist', packageRegistries: false }));
    const decision = await decideEgress(rules, { host: 'registry.npmjs.org', port: 443 }, never);
    expect(decision).toMatchObject({ allowed: false, reason: 'not-listed' });
  });
});

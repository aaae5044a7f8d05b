export { EGRESS_LABELS } from './egress-labels.js';
export {
  type EgressLogger,
  type EgressProxy,
  type EgressProxyOptions,
  startEgressProxy,
} from './egress-proxy.js';
export { RELAY_PORT } from './egress-relay.js';
export {
  compileEgressRules,
  decideEgress,
  type EgressDecision,
  type EgressRules,
  type EgressTarget,
  isPublicAddress,
  type Resolver,
} from './egress-rules.js';
export {
  type AllowlistPolicy,
  DEFAULT_EGRESS_PORTS,
  DEFAULT_NETWORK_POLICY,
  DEFAULT_REGISTRY_HOSTS,
  type NetworkPolicy,
  type NetworkPolicyInput,
  networkPolicySchema,
  UPLOAD_REGISTRY_HOSTS,
} from './network-policy.js';
export {
  type Iptables,
  OPEN_BLOCKED_RANGES,
  OpenEgressFirewallError,
} from './open-egress-firewall.js';
export {
  DEFAULT_EGRESS_BRIDGE,
  ensureEgressBridge,
  type ProvisionEgressOptions,
  type ProvisionedEgress,
  provisionEgress,
  proxyEnv,
  registryEnv,
} from './provision-egress.js';
export { type ReapEgressOptions, reapEgress } from './reap-egress.js';
export { REGISTRY_GATEWAY_PATH, registryGatewayUrl } from './registry-gateway.js';
export {
  assertSandboxDnsContained,
  engineForwardsInternalDns,
  INTERNAL_DNS_CVE,
  type SandboxDns,
  SandboxDnsExposureError,
} from './sandbox-dns.js';

import type { IncomingMessage, ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { EgressDecision, EgressTarget } from './egress-rules.js';
import { normaliseHostName, UPLOAD_REGISTRY_HOSTS } from './network-policy.js';
import { answer, endToEnd } from './proxy-answers.js';

/** Origin-form requests under this path reach the read-only registry gateway: `/registry/<host>/…`. */
export const REGISTRY_GATEWAY_PATH = '/registry/';

const READ_METHODS = new Set(['GET', 'HEAD']);

/** Where a sandbox client points to read `host` through the gateway, e.g. npm's `registry`. */
export function registryGatewayUrl(proxyUrl: string, host: string): string {
  return `${proxyUrl.replace(/\/+$/, '')}${REGISTRY_GATEWAY_PATH}${host}/`;
}

/** `{ host, path }` of a gateway request; undefined for any other origin-form URL. */
export function parseGatewayRequest(url: string | undefined): { host: string; path: string } | undefined {
  if (url === undefined || !url.startsWith(REGISTRY_GATEWAY_PATH)) return undefined;
  const rest = url.slice(REGISTRY_GATEWAY_PATH.length);
  const slash = rest.indexOf('/');
  const host = normaliseHostName(slash === -1 ? rest : rest.slice(0, slash));
  const path = slash === -1 ? '/' : rest.slice(slash);
  return { host, path };
}

export interface RegistryGatewayDeps {
  /** The proxy's own decision for a target: allowlist, resolution, address checks, logging. */
  decide: (method: string, target: EgressTarget) => Promise<EgressDecision>;
  /** Extra trusted CA for the upstream TLS (tests' self-signed registries); system CAs otherwise. */
  upstreamCa?: string;
  connectTimeoutMs: number;
}

/**
 * Serves a registry read-only: GET and HEAD are forwarded over TLS, by the worker, to the registry
 * the path names (which the allowlist must allow, at the address it checked, its certificate checked
 * against the name); any other method is refused with a message saying how uploads are allowed. This
 * is how a sandbox installs from registries that also take uploads, while CONNECT to them is refused.
 */
export async function serveRegistryGateway(
  req: IncomingMessage,
  res: ServerResponse,
  request: { host: string; path: string },
  deps: RegistryGatewayDeps,
): Promise<void> {
  const method = req.method ?? 'GET';
  if (!UPLOAD_REGISTRY_HOSTS.includes(request.host)) {
    answer(res, 403, `handsbot registry gateway: ${request.host} is not a registry it serves\n`);
    return;
  }
  if (!READ_METHODS.has(method)) {
    answer(
      res,
      405,
      `handsbot registry gateway refused ${method} to ${request.host}: registries are read-only in this ` +
        'sandbox (no publish or upload). A maintainer can set network.registryUploads: true in ' +
        '.github/openhands.yml.\n',
    );
    return;
  }
  const decision = await deps.decide(method, { host: request.host, port: 443 });
  if (!decision.allowed) {
    answer(res, 403, `handsbot registry gateway refused ${request.host}: ${decision.detail}\n`);
    return;
  }
  const forward = httpsRequest({
    host: decision.address,
    servername: request.host,
    port: 443,
    method,
    path: request.path,
    headers: { ...endToEnd(req.headers), host: request.host },
    timeout: deps.connectTimeoutMs,
    ...(deps.upstreamCa === undefined ? {} : { ca: deps.upstreamCa }),
  });
  forward.once('response', (upstream) => {
    res.writeHead(upstream.statusCode ?? 502, endToEnd(upstream.headers));
    upstream.pipe(res);
  });
  forward.once('timeout', () => forward.destroy(new Error('timeout')));
  forward.once('error', (error) =>
    answer(res, 502, `handsbot registry gateway: ${request.host} failed (${error.message})\n`),
  );
  res.once('close', () => forward.destroy());
  forward.end();
}

/** The refusal of a tunnel to, or a plain-http upload to, a registry that is read-only here. */
export function readOnlyRegistryBody(host: string, method: string): string {
  return (
    `handsbot egress proxy refused ${method} to ${host}: this registry takes uploads, and registries are ` +
    'read-only in this sandbox. Read it through the registry gateway the sandbox is configured with ' +
    '(npm_config_registry); a maintainer can allow uploads with network.registryUploads: true.\n'
  );
}

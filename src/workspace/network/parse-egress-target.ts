import { isIP } from 'node:net';
import type { EgressTarget } from './egress-rules.js';
import { normaliseHostName } from './network-policy.js';

/**
 * The host as the WHATWG URL parser canonicalises it: lower case, punycode, and numeric IPv4 forms
 * (`2130706433`, `0x7f.1`) turned into dotted quads, so an address cannot pass as a name.
 */
function canonicalHost(url: URL): string | undefined {
  const bracketed = url.hostname.startsWith('[') && url.hostname.endsWith(']');
  const host = normaliseHostName(bracketed ? url.hostname.slice(1, -1) : url.hostname);
  if (host.length === 0) return undefined;
  if (bracketed && isIP(host) !== 6) return undefined;
  return host;
}

function portOf(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port >= 1 && port <= 65_535 ? port : undefined;
}

/** `host:port` of a CONNECT request (the port is mandatory there); undefined when malformed. */
export function parseConnectTarget(authority: string | undefined): EgressTarget | undefined {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]/@?#\s]+):(\d{1,5})$/.exec(authority ?? '');
  if (match === null) return undefined;
  const [, hostPart = '', portPart = ''] = match;
  const port = portOf(portPart);
  let url: URL;
  try {
    url = new URL(`http://${hostPart}/`);
  } catch {
    return undefined;
  }
  const host = canonicalHost(url);
  return host === undefined || port === undefined ? undefined : { host, port };
}

/** The target of an absolute-form `http://` request; undefined for anything else (https, relative). */
export function parseForwardTarget(
  requestUrl: string | undefined,
): { target: EgressTarget; url: URL } | undefined {
  let url: URL;
  try {
    url = new URL(requestUrl ?? '');
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:') return undefined;
  const host = canonicalHost(url);
  const port = url.port === '' ? 80 : portOf(url.port);
  return host === undefined || port === undefined ? undefined : { target: { host, port }, url };
}

import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import type { EgressTarget } from './egress-rules.js';
import { normaliseHostName } from './network-policy.js';
import { answerRaw } from './proxy-answers.js';
import { type ClientHelloRead, readClientHello } from './read-client-hello.js';

export type TunnelRefusal = 'not-tls' | 'server-name-mismatch' | 'encrypted-client-hello';

export type TunnelVerdict =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly reason: TunnelRefusal; readonly detail: string };

/**
 * Whether a tunnel's ClientHello asks for the host its CONNECT named. Without this a tunnel to an
 * allowed host carries anything: a hello naming another site behind the same CDN (domain fronting),
 * or no TLS at all. A CONNECT to an address expects no name (TLS carries none for addresses). An
 * Encrypted Client Hello hides the real name behind the outer one, so it is refused whole.
 */
export function judgeTunnelHello(target: EgressTarget, hello: ClientHelloRead): TunnelVerdict {
  if (hello.kind === 'incomplete') throw new TypeError('judge a complete hello');
  if (hello.kind === 'not-tls') {
    return {
      allowed: false,
      reason: 'not-tls',
      detail: `tunnels carry TLS only, and ${hello.detail}`,
    };
  }
  if (hello.encrypted) {
    return {
      allowed: false,
      reason: 'encrypted-client-hello',
      detail: 'the ClientHello is encrypted (ECH), so the server it asks for cannot be checked',
    };
  }
  const asked = hello.serverName === undefined ? undefined : normaliseHostName(hello.serverName);
  const expected = isIP(target.host) === 0 ? target.host : undefined;
  if (asked === expected) return { allowed: true };
  return {
    allowed: false,
    reason: 'server-name-mismatch',
    detail:
      `the TLS server name is ${asked === undefined ? 'missing' : `"${asked}"`}, ` +
      `not ${expected === undefined ? 'absent as it must be for an address' : `"${expected}"`} as the CONNECT named`,
  };
}

/**
 * Reads from a client socket until its first bytes are a whole ClientHello or are not one. Resolves
 * with what was read, bytes included (the caller forwards them unchanged); the socket is left paused.
 * Undefined when the client closes or stays silent for `timeoutMs`.
 */
export function collectClientHello(
  client: Duplex,
  head: Buffer,
  timeoutMs: number,
): Promise<{ hello: Exclude<ClientHelloRead, { kind: 'incomplete' }>; bytes: Buffer } | undefined> {
  return new Promise((resolve) => {
    let bytes = head;
    let done = false;
    const finish = (result: Parameters<typeof resolve>[0]) => {
      done = true;
      clearTimeout(timer);
      client.off('data', onData);
      client.off('close', onClose);
      client.pause();
      resolve(result);
    };
    const tryRead = () => {
      const hello = readClientHello(bytes);
      if (hello.kind !== 'incomplete') finish({ hello, bytes });
    };
    const onData = (chunk: Buffer) => {
      bytes = Buffer.concat([bytes, chunk]);
      tryRead();
    };
    const onClose = () => finish(undefined);
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    client.on('data', onData);
    client.once('close', onClose);
    if (bytes.length > 0) tryRead();
    // The early bytes may have held the whole hello; resuming then would lose what follows.
    if (!done) client.resume();
  });
}

/**
 * Ends a tunnel whose first bytes were refused, in a form its client reads: a TLS alert
 * (unrecognized_name) for a hello naming another server, an HTTP answer for plain bytes.
 */
export function refuseTunnel(client: Duplex, reason: TunnelRefusal, message: string): void {
  if (reason === 'not-tls') {
    answerRaw(client, 403, message);
    return;
  }
  client.resume();
  client.end(Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x70]));
}

import { type AddressInfo, createServer } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { readClientHello } from '../../../src/workspace/network/read-client-hello.js';
import { judgeTunnelHello } from '../../../src/workspace/network/tunnel-hello.js';

/** The first bytes a real Node TLS client sends, captured by a plain TCP server on 127.0.0.1. */
async function realHello(servername: string): Promise<Buffer> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const captured = new Promise<Buffer>((resolve) =>
    server.once('connection', (socket) => {
      let bytes = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        bytes = Buffer.concat([bytes, chunk]);
        if (readClientHello(bytes).kind !== 'incomplete') {
          resolve(bytes);
          socket.destroy();
        }
      });
    }),
  );
  const client = tlsConnect({ host: '127.0.0.1', port, servername });
  client.on('error', () => {});
  const bytes = await captured;
  client.destroy();
  server.close();
  return bytes;
}

const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const vec16 = (b: Buffer) => Buffer.concat([u16(b.length), b]);
const vec8 = (b: Buffer) => Buffer.concat([Buffer.from([b.length]), b]);

/** A minimal ClientHello with the given extensions, in one record or split across several. */
function handBuiltHello(extensions: [number, Buffer][], recordSize = 16_384): Buffer {
  const body = Buffer.concat([
    Buffer.from([0x03, 0x03]),
    Buffer.alloc(32, 7),
    vec8(Buffer.alloc(0)),
    vec16(Buffer.from([0x13, 0x01])),
    vec8(Buffer.from([0x00])),
    vec16(Buffer.concat(extensions.map(([type, data]) => Buffer.concat([u16(type), vec16(data)])))),
  ]);
  const handshake = Buffer.concat([Buffer.from([0x01, 0, body.length >> 8, body.length & 0xff]), body]);
  const records: Buffer[] = [];
  for (let at = 0; at < handshake.length; at += recordSize) {
    const fragment = handshake.subarray(at, at + recordSize);
    records.push(Buffer.concat([Buffer.from([0x16, 0x03, 0x01]), vec16(fragment)]));
  }
  return Buffer.concat(records);
}

const sni = (...names: string[]) =>
  vec16(Buffer.concat(names.map((name) => Buffer.concat([Buffer.from([0]), vec16(Buffer.from(name))]))));

describe('reading the ClientHello at the start of a tunnel', () => {
  it('reads the server name a real TLS client asks for, and waits while the hello is incomplete', async () => {
    const hello = await realHello('registry.example.test');
    expect(readClientHello(hello)).toEqual({
      kind: 'hello',
      serverName: 'registry.example.test',
      encrypted: false,
    });
    expect(readClientHello(hello.subarray(0, 3))).toEqual({ kind: 'incomplete' });
    expect(readClientHello(hello.subarray(0, hello.length - 1))).toEqual({ kind: 'incomplete' });
  });

  it('reassembles a hello split across records', () => {
    const hello = handBuiltHello([[0, sni('split.test')]], 20);
    expect(readClientHello(hello)).toMatchObject({ kind: 'hello', serverName: 'split.test' });
  });

  it('refuses plain bytes, other handshakes, several names, repeated extensions and trailing bytes', () => {
    expect(readClientHello(Buffer.from('GET / HTTP/1.1\r\n'))).toMatchObject({ kind: 'not-tls' });
    expect(readClientHello(Buffer.from('SSH-2.0-OpenSSH_9.2\r\n'))).toMatchObject({ kind: 'not-tls' });
    const serverHello = handBuiltHello([]);
    serverHello[5] = 0x02;
    expect(readClientHello(serverHello)).toMatchObject({ kind: 'not-tls' });
    expect(readClientHello(handBuiltHello([[0, sni('a.test', 'b.test')]]))).toMatchObject({
      kind: 'not-tls',
    });
    expect(
      readClientHello(
        handBuiltHello([
          [0, sni('a.test')],
          [0, sni('b.test')],
        ]),
      ),
    ).toMatchObject({ kind: 'not-tls' });
    const trailing = handBuiltHello([[0, sni('a.test')]]);
    const extended = Buffer.concat([
      trailing.subarray(0, 3),
      u16(trailing.readUInt16BE(3) + 1),
      trailing.subarray(5),
      Buffer.from([0]),
    ]);
    expect(readClientHello(extended)).toMatchObject({ kind: 'not-tls' });
  });

  it('flags an Encrypted Client Hello, which the tunnel check refuses', () => {
    const hello = readClientHello(
      handBuiltHello([
        [0, sni('public.test')],
        [0xfe0d, Buffer.from([1, 2, 3])],
      ]),
    );
    expect(hello).toEqual({ kind: 'hello', serverName: 'public.test', encrypted: true });
    expect(judgeTunnelHello({ host: 'public.test', port: 443 }, hello)).toMatchObject({
      allowed: false,
      reason: 'encrypted-client-hello',
    });
  });

  it('matches the name case-insensitively and expects none for an address', () => {
    const named = readClientHello(handBuiltHello([[0, sni('Allowed.Test.')]]));
    expect(judgeTunnelHello({ host: 'allowed.test', port: 443 }, named)).toEqual({ allowed: true });
    const unnamed = readClientHello(handBuiltHello([]));
    expect(judgeTunnelHello({ host: '192.0.2.10', port: 443 }, unnamed)).toEqual({ allowed: true });
    expect(judgeTunnelHello({ host: '192.0.2.10', port: 443 }, named)).toMatchObject({
      allowed: false,
      reason: 'server-name-mismatch',
    });
  });
});

/**
 * What the first bytes of a tunnel say about it.
 * - `incomplete`: a TLS ClientHello so far; read more.
 * - `not-tls`: anything else (plain bytes, another handshake message, a malformed or oversized hello).
 * - `hello`: a whole ClientHello: the host name it asks for (server_name, RFC 6066), and whether it
 *   carries an Encrypted Client Hello, whose inner name the proxy cannot see.
 */
export type ClientHelloRead =
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'not-tls'; readonly detail: string }
  | { readonly kind: 'hello'; readonly serverName: string | undefined; readonly encrypted: boolean };

const RECORD_HANDSHAKE = 0x16;
const HANDSHAKE_CLIENT_HELLO = 0x01;
const EXTENSION_SERVER_NAME = 0x0000;
const EXTENSION_ENCRYPTED_CLIENT_HELLO = 0xfe0d;
const NAME_TYPE_HOST = 0x00;
/** A hello with post-quantum key shares is a couple of KiB; anything near this is not a real client. */
export const MAX_CLIENT_HELLO_BYTES = 64 * 1024;

const notTls = (detail: string): ClientHelloRead => ({ kind: 'not-tls', detail });

/**
 * Reads the ClientHello at the start of `data`, which may span several TLS records. Strict on
 * purpose: a hello this parser cannot read is refused, never passed, because what the proxy cannot
 * read it cannot check.
 */
export function readClientHello(data: Buffer): ClientHelloRead {
  // Reassemble the handshake message from the records that carry it.
  const fragments: Buffer[] = [];
  let offset = 0;
  let handshakeLength: number | undefined;
  let gathered = 0;
  for (;;) {
    if (data.length < offset + 5) {
      if (offset === 0 && data.length > 0 && data[0] !== RECORD_HANDSHAKE) {
        return notTls('the first bytes are not a TLS handshake');
      }
      return data.length > MAX_CLIENT_HELLO_BYTES ? notTls('the hello is too long') : { kind: 'incomplete' };
    }
    if (data[offset] !== RECORD_HANDSHAKE || data[offset + 1] !== 0x03) {
      return notTls('the first bytes are not a TLS handshake');
    }
    const recordLength = data.readUInt16BE(offset + 3);
    if (recordLength === 0 || recordLength > 16_384) return notTls('a TLS record has a bad length');
    if (data.length < offset + 5 + recordLength) {
      return offset + 5 + recordLength > MAX_CLIENT_HELLO_BYTES
        ? notTls('the hello is too long')
        : { kind: 'incomplete' };
    }
    const fragment = data.subarray(offset + 5, offset + 5 + recordLength);
    fragments.push(fragment);
    gathered += fragment.length;
    offset += 5 + recordLength;
    if (handshakeLength === undefined && gathered >= 4) {
      const head = Buffer.concat(fragments);
      if (head[0] !== HANDSHAKE_CLIENT_HELLO)
        return notTls('the handshake does not start with a ClientHello');
      handshakeLength = head.readUIntBE(1, 3);
      if (handshakeLength + 4 > MAX_CLIENT_HELLO_BYTES) return notTls('the hello is too long');
    }
    if (handshakeLength !== undefined && gathered >= handshakeLength + 4) {
      // Bytes after the hello in its last record would be a second handshake message: none is sent
      // before the server answers.
      if (gathered !== handshakeLength + 4) return notTls('the hello is followed by more handshake data');
      return parseClientHello(Buffer.concat(fragments).subarray(4));
    }
  }
}

/** A bounds-checked reader: every read past the end throws, and the caller turns that into not-tls. */
class Reader {
  private offset = 0;
  constructor(private readonly data: Buffer) {}
  get done(): boolean {
    return this.offset === this.data.length;
  }
  skip(length: number): void {
    this.take(length);
  }
  uint8(): number {
    return this.take(1).readUInt8(0);
  }
  uint16(): number {
    return this.take(2).readUInt16BE(0);
  }
  /** A vector with a length prefix of `prefixBytes` bytes. */
  vector(prefixBytes: 1 | 2): Reader {
    const length = prefixBytes === 1 ? this.uint8() : this.uint16();
    return new Reader(this.take(length));
  }
  rest(): Buffer {
    return this.take(this.data.length - this.offset);
  }
  private take(length: number): Buffer {
    if (this.offset + length > this.data.length) throw new RangeError('truncated');
    const slice = this.data.subarray(this.offset, this.offset + length);
    this.offset += length;
    return slice;
  }
}

function parseClientHello(body: Buffer): ClientHelloRead {
  try {
    const hello = new Reader(body);
    hello.skip(2 + 32); // legacy_version, random
    hello.vector(1); // legacy_session_id
    hello.vector(2); // cipher_suites
    hello.vector(1); // legacy_compression_methods
    if (hello.done) return { kind: 'hello', serverName: undefined, encrypted: false };
    const extensions = hello.vector(2);
    if (!hello.done) return notTls('the hello has bytes after its extensions');
    const seen = new Set<number>();
    let serverName: string | undefined;
    let encrypted = false;
    while (!extensions.done) {
      const type = extensions.uint16();
      const content = extensions.vector(2);
      if (seen.has(type)) return notTls(`the hello repeats extension ${type}`);
      seen.add(type);
      if (type === EXTENSION_ENCRYPTED_CLIENT_HELLO) encrypted = true;
      if (type !== EXTENSION_SERVER_NAME) continue;
      const names = content.vector(2);
      if (!content.done) return notTls('the server_name extension is malformed');
      // RFC 6066 allows one name per type; several host names would leave "the" name ambiguous.
      if (names.uint8() !== NAME_TYPE_HOST) return notTls('the server_name is not a host name');
      const name = names.vector(2).rest();
      if (!names.done) return notTls('the hello names more than one server');
      if (!/^[\x21-\x7e]+$/.test(name.toString('latin1'))) return notTls('the server_name is not ASCII');
      serverName = name.toString('ascii');
    }
    return { kind: 'hello', serverName, encrypted };
  } catch {
    return notTls('the hello is truncated or malformed');
  }
}

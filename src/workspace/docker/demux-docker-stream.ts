import type { Readable, Writable } from 'node:stream';

const HEADER = 8;

/**
 * Splits the multiplexed stream of a non-tty `docker exec` into stdout and stderr. Each frame is an
 * 8-byte header (stream id, three zero bytes, big-endian payload length) and its payload; frames may
 * arrive split across or merged within chunks. (dockerode has this as `modem.demuxStream`, but its
 * modem is untyped.)
 */
export function demuxDockerStream(source: Readable, stdout: Writable, stderr: Writable): void {
  let pending: Buffer = Buffer.alloc(0);
  source.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= HEADER) {
      const size = pending.readUInt32BE(4);
      if (pending.length < HEADER + size) break;
      const payload = pending.subarray(HEADER, HEADER + size);
      // 1 is stdout, 2 stderr; 0 (stdin) is never sent back.
      if (pending[0] === 2) stderr.write(payload);
      else stdout.write(payload);
      pending = pending.subarray(HEADER + size);
    }
  });
  const finish = () => {
    stdout.end();
    stderr.end();
  };
  source.once('end', finish);
  source.once('close', finish);
  source.once('error', finish);
}

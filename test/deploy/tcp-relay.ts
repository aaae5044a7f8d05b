import type { AddressInfo } from 'node:net';
import { connect, createServer, type Server } from 'node:net';

export interface TcpRelay {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Listens on `host` (the gateway address of a Docker network the test made, so only that network's
 * containers and this machine reach it) and passes each connection to 127.0.0.1:`targetPort`, where
 * the test's own servers listen. The containers of a compose deployment then reach a server of the
 * test the way they would reach GitHub.
 */
export async function startTcpRelay(host: string, targetPort: number): Promise<TcpRelay> {
  const sockets = new Set<import('node:net').Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

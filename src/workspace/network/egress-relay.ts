import type Dockerode from 'dockerode';
import { EGRESS_LABELS } from './egress-labels.js';
import { dnsHostConfig } from './sandbox-dns.js';

/** The port the relay listens on inside the run's internal network; HTTP_PROXY points here. */
export const RELAY_PORT = 3128;

const READY = 'handsbot egress relay listening';

/**
 * The relay's whole program, run with `node -e` from the sandbox image (Debian's Node 18, so plain
 * CommonJS). It carries no policy: it pipes every connection to one fixed address, the worker's
 * egress proxy, taken from its environment. Whatever the sandbox sends, the proxy decides.
 */
const RELAY_SCRIPT = `
const net = require('net');
const host = process.env.RELAY_TARGET_HOST;
const port = Number(process.env.RELAY_TARGET_PORT);
const server = net.createServer((client) => {
  const upstream = net.connect(port, host);
  const end = () => { client.destroy(); upstream.destroy(); };
  for (const socket of [client, upstream]) { socket.on('error', end); socket.on('close', end); }
  client.pipe(upstream);
  upstream.pipe(client);
});
server.maxConnections = 256;
server.listen(Number(process.env.RELAY_PORT), '0.0.0.0', () => console.log(${JSON.stringify(READY)}));
`;

export interface StartEgressRelayOptions {
  docker: Dockerode;
  /** An image with \`node\` on PATH: the sandbox image. */
  image: string;
  /** The run's internal network, where the sandbox reaches the relay. */
  internalNetwork: string;
  /** The shared bridge on which the relay reaches the worker's proxy. */
  egressNetwork: string;
  proxyHost: string;
  proxyPort: number;
  labels: Readonly<Record<string, string>>;
  readyTimeoutMs?: number;
}

export interface EgressRelay {
  readonly container: Dockerode.Container;
  /** The relay's address on the internal network. */
  readonly address: string;
}

/**
 * Starts the relay container: attached to the run's internal network (no route out) and to the egress
 * bridge (a route to the worker only), unprivileged and read-only. Resolves when it listens.
 */
export async function startEgressRelay(options: StartEgressRelayOptions): Promise<EgressRelay> {
  const { docker } = options;
  const container = await docker.createContainer({
    Image: options.image,
    Cmd: ['node', '-e', RELAY_SCRIPT],
    Env: [
      `RELAY_TARGET_HOST=${options.proxyHost}`,
      `RELAY_TARGET_PORT=${options.proxyPort}`,
      `RELAY_PORT=${RELAY_PORT}`,
    ],
    User: '65534:65534',
    WorkingDir: '/',
    Labels: { ...options.labels, [EGRESS_LABELS.role]: 'egress-relay' },
    HostConfig: {
      NetworkMode: options.internalNetwork,
      // It dials the proxy by address: no resolver, so nothing it runs can tunnel through DNS.
      ...dnsHostConfig('closed'),
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      ReadonlyRootfs: true,
      Memory: 128 * 1024 * 1024,
      PidsLimit: 64,
    },
  });
  try {
    await docker.getNetwork(options.egressNetwork).connect({ Container: container.id });
    await container.start();
    await waitUntilListening(container, options.readyTimeoutMs ?? 15_000);
    const info = await container.inspect();
    const address = info.NetworkSettings.Networks[options.internalNetwork]?.IPAddress;
    if (address === undefined || address === '') {
      throw new Error(`egress relay has no address on ${options.internalNetwork}`);
    }
    return { container, address };
  } catch (error) {
    await container.remove({ force: true }).catch(() => undefined);
    throw error;
  }
}

/** Polls the relay's output for its ready line; fails with that output if the relay exits first. */
async function waitUntilListening(container: Dockerode.Container, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const output = (await container.logs({ stdout: true, stderr: true })).toString('utf8');
    if (output.includes(READY)) return;
    const state = (await container.inspect()).State;
    if (!state.Running) {
      throw new Error(
        `egress relay exited (status ${state.ExitCode}) before listening: ${output.slice(-500)}`,
      );
    }
    if (Date.now() > deadline) throw new Error(`egress relay not listening after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

import { randomBytes } from 'node:crypto';
import type Dockerode from 'dockerode';
import { connectTestDocker } from '../../support/docker.js';

/**
 * Label on every object these tests create, so `afterAll` (and a person) can find leftovers. The value
 * is unique per test process: engineers and CI runs share one engine, and cleanup must only take ours.
 */
export const TEST_LABEL = 'handsbot.test';
export const TEST_SESSION = `network-${randomBytes(4).toString('hex')}`;
export const TEST_LABELS: Readonly<Record<string, string>> = Object.freeze({ [TEST_LABEL]: TEST_SESSION });

/**
 * A real Docker engine and the sandbox image (it has `node`, `curl` and `sh`), found as every Docker
 * test finds them: missing Docker fails the test, locally too.
 */
export async function dockerForTests(env: NodeJS.ProcessEnv = process.env): Promise<{
  docker: Dockerode;
  image: string;
}> {
  return connectTestDocker(env);
}

export function testName(what: string): string {
  return `handsbot-test-${what}-${randomBytes(3).toString('hex')}`;
}

export interface RunResult {
  exitCode: number;
  output: string;
}

/** Runs `script` with sh in a fresh, unprivileged container and returns its output; always removes it. */
export async function runInContainer(
  docker: Dockerode,
  options: {
    image: string;
    networkMode: string;
    env?: Readonly<Record<string, string>>;
    /** Upstream resolvers Docker's embedded DNS forwards to. */
    dns?: string[];
    script: string;
  },
): Promise<RunResult> {
  const container = await docker.createContainer({
    Image: options.image,
    Cmd: ['sh', '-c', options.script],
    Env: Object.entries(options.env ?? {}).map(([name, value]) => `${name}=${value}`),
    User: '65534:65534',
    WorkingDir: '/tmp',
    Tty: true,
    Labels: { ...TEST_LABELS },
    HostConfig: {
      NetworkMode: options.networkMode,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      ...(options.dns === undefined ? {} : { Dns: options.dns }),
    },
  });
  try {
    await container.start();
    const { StatusCode } = await container.wait();
    const output = (await container.logs({ stdout: true, stderr: true })).toString('utf8');
    return { exitCode: StatusCode, output: output.replace(/\r\n/g, '\n') };
  } finally {
    await container.remove({ force: true });
  }
}

/**
 * A small HTTP server (port 8080) in its own container on `network`, answering with what reached it;
 * with `tls`, also an https server on 8443 that names the TLS server name the client asked for.
 */
export async function startTargetContainer(
  docker: Dockerode,
  options: { image: string; network: string; tls?: { key: string; cert: string } },
): Promise<{ container: Dockerode.Container; address: string }> {
  const script = `
    const handler = (q, s) => s.end('target saw ' + q.headers.host + ' ' + q.url + ' sni=' + q.socket.servername);
    require('http').createServer(handler).listen(8080, () => {
      if (!process.env.TLS_CERT) return console.log('target listening');
      const tls = { key: process.env.TLS_KEY, cert: process.env.TLS_CERT };
      require('https').createServer(tls, handler).listen(8443, () => console.log('target listening'));
    });`;
  return startContainer(docker, {
    image: options.image,
    network: options.network,
    script,
    env: options.tls === undefined ? [] : [`TLS_KEY=${options.tls.key}`, `TLS_CERT=${options.tls.cert}`],
  });
}

/** Runs a node script as nobody in a container on `network`; resolves once it prints "target listening". */
async function startContainer(
  docker: Dockerode,
  options: { image: string; network: string; script: string; env: string[] },
): Promise<{ container: Dockerode.Container; address: string }> {
  const container = await docker.createContainer({
    Image: options.image,
    Cmd: ['node', '-e', options.script],
    Env: options.env,
    User: '65534:65534',
    Labels: { ...TEST_LABELS },
    HostConfig: { NetworkMode: options.network, CapDrop: ['ALL'] },
  });
  await container.start();
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const logs = (await container.logs({ stdout: true, stderr: true })).toString('utf8');
    if (logs.includes('target listening')) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const info = await container.inspect();
  const address = info.NetworkSettings.Networks[options.network]?.IPAddress;
  if (address === undefined || address === '') throw new Error('target container has no address');
  return { container, address };
}

/**
 * An npm registry stand-in: https on 443 with a certificate for registry.npmjs.org, answering the
 * metadata of one package (`hb-demo`) and printing every request it gets.
 */
export async function startRegistryContainer(
  docker: Dockerode,
  options: { image: string; network: string; tls: { key: string; cert: string } },
): Promise<{ container: Dockerode.Container; address: string }> {
  const script = `
    const meta = { name: 'hb-demo', 'dist-tags': { latest: '1.0.0' },
      versions: { '1.0.0': { name: 'hb-demo', version: '1.0.0',
        dist: { tarball: 'https://registry.npmjs.org/hb-demo/-/hb-demo-1.0.0.tgz' } } } };
    require('https').createServer({ key: process.env.TLS_KEY, cert: process.env.TLS_CERT }, (q, s) => {
      console.log(q.method + ' ' + q.url);
      if (q.method === 'GET' && q.url.startsWith('/hb-demo')) {
        s.setHeader('content-type', 'application/json');
        return s.end(JSON.stringify(meta));
      }
      s.statusCode = 404; s.end('{}');
    }).listen(443, () => console.log('target listening'));`;
  return startContainer(docker, {
    image: options.image,
    network: options.network,
    script,
    env: [`TLS_KEY=${options.tls.key}`, `TLS_CERT=${options.tls.cert}`],
  });
}

/** Removes every container and network these tests labelled. */
export async function removeTestObjects(docker: Dockerode): Promise<void> {
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`${TEST_LABEL}=${TEST_SESSION}`] },
  });
  await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  const networks = await docker.listNetworks({ filters: { label: [`${TEST_LABEL}=${TEST_SESSION}`] } });
  for (const network of networks) await docker.getNetwork(network.Id).remove();
}

/** Sections of a script's output, each started by a line `== name`. */
export function sections(output: string): Record<string, string> {
  const result: Record<string, string> = {};
  let current = '';
  for (const line of output.split('\n')) {
    const header = /^== (\S+)$/.exec(line);
    if (header?.[1] !== undefined) {
      current = header[1];
      result[current] = '';
    } else if (current !== '') {
      result[current] = `${result[current] ?? ''}${line}\n`;
    }
  }
  return result;
}

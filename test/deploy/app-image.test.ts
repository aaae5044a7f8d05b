import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ID, APP_PRIVATE_KEY } from '../github-standin/standin-fixture.js';
import { waitFor } from '../jobs/support.js';
import { appImage, BASE_IMAGE, ROOT } from './app-image.js';

const run = promisify(execFile);
const docker = new Docker();

describe('the app image (root Dockerfile)', () => {
  let image: string;
  const cleanups: (() => Promise<unknown>)[] = [];
  // Cold, the base image and `npm ci` take minutes; cached (as in CI, after setup-host.sh --deploy), a second.
  beforeAll(async () => {
    image = await appImage();
  }, 900_000);
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  it("runs `handsbot --version` as a non-root user, with tini as PID 1's program", async () => {
    const { version } = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    const { stdout } = await run('docker', ['run', '--rm', image, '--version']);
    expect(stdout.trim()).toBe(version);

    const { Config } = await docker.getImage(image).inspect();
    expect(Config.User).toBe('10002:10002');
    expect(Config.Entrypoint).toEqual(['tini', '--', 'node', 'dist/src/cli/main.js']);
    expect(Config.Cmd).toEqual(['serve']);
  }, 120_000);

  it('holds the production dependencies and the build, not the compiler or the test tools', async () => {
    const { stdout } = await run('docker', [
      'run',
      '--rm',
      '--entrypoint',
      'sh',
      image,
      '-c',
      'for p in node_modules/probot node_modules/bullmq dist/src/cli/main.js node_modules/typescript node_modules/vitest src; do [ -e "$p" ] && echo "$p"; done; true',
    ]);
    expect(stdout.trim().split('\n')).toEqual([
      'node_modules/probot',
      'node_modules/bullmq',
      'dist/src/cli/main.js',
    ]);
  }, 120_000);

  it('serves webhooks, and its HEALTHCHECK turns healthy once the web process answers', async () => {
    // A network of the test's own with no way out: Redis and the web process reach each other only.
    const network = await docker.createNetwork({
      Name: `handsbot-image-test-${randomUUID().slice(0, 8)}`,
      Internal: true,
    });
    cleanups.push(() => network.remove());
    const start = async (options: Docker.ContainerCreateOptions) => {
      const container = await docker.createContainer({
        ...options,
        HostConfig: { NetworkMode: network.id, ...options.HostConfig },
      });
      cleanups.push(() => container.remove({ force: true }));
      await container.start();
      return container;
    };
    await start({
      Image: BASE_IMAGE,
      User: 'redis',
      Cmd: ['redis-server', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'],
      NetworkingConfig: { EndpointsConfig: { [network.id]: { Aliases: ['redis'] } } },
    });
    const web = await start({
      Image: image,
      Env: [
        `APP_ID=${APP_ID}`,
        `PRIVATE_KEY=${APP_PRIVATE_KEY}`,
        'WEBHOOK_SECRET=image-test',
        'REDIS_URL=redis://redis:6379',
      ],
      // The image's own check, probed every second instead of every 30 s.
      Healthcheck: { Interval: 1_000_000_000 },
    });

    const running = async () => {
      const { State } = await web.inspect();
      if (!State.Running)
        throw new Error(`the web container exited (${State.ExitCode}):\n${await logs(web)}`);
      return State;
    };
    await waitFor(async () => (await running()) && (await logs(web)).includes('web process ready'), {
      timeoutMs: 120_000,
      intervalMs: 250,
      what: 'the web process to say it is ready',
    });
    // Probes that ran before it listened may have failed: one that passes turns the status healthy.
    await waitFor(async () => (await running()).Health?.Status === 'healthy', {
      timeoutMs: 90_000,
      intervalMs: 250,
      what: 'the health check to pass',
    }).catch(async (error: Error) => {
      const probes = (await running()).Health?.Log ?? [];
      throw new Error(`${error.message}; the last probes: ${JSON.stringify(probes.slice(-3))}`);
    });
    expect(await exec(web, ['cat', '/proc/1/comm'])).toBe('tini\n');
  }, 240_000);
});

async function logs(container: Docker.Container): Promise<string> {
  const buffer = (await container.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
  return buffer.toString('utf8');
}

async function exec(container: Docker.Container, Cmd: string[]): Promise<string> {
  const { stdout } = await run('docker', ['exec', container.id, ...Cmd]);
  return stdout;
}

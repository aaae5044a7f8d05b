import { execFile } from 'node:child_process';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { defaultSandboxImage } from '../support/docker.js';
import { connectTestRedis } from '../support/redis.js';
import { freePort } from './free-port.js';
import { type HostSetup, SETUP_SCRIPT } from './host-setup.js';
import { ensureRedis } from './local-redis.js';
import { DemoSetupError } from './setup-error.js';

const run = promisify(execFile);

/** A PATH holding only a folder the test controls: redis-server is "not installed" until it links it in. */
async function withBarePath(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'handsbot-demo-path-'));
  try {
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('the demo on a machine without redis-server', () => {
  it('without root, stops with the one set-up command and starts nothing', async () => {
    await withBarePath(async (dir) => {
      const reasons: string[] = [];
      const noRoot: HostSetup = { canRun: false, run: async (why) => void reasons.push(why) };
      const nobody = `redis://127.0.0.1:${await freePort()}`;
      const failure = ensureRedis({ REDIS_URL: nobody, PATH: dir }, noRoot);
      await expect(failure).rejects.toThrow(DemoSetupError);
      await expect(failure).rejects.toThrow(
        /^No Redis answers at .* and redis-server is not installed\. .*with: sudo sandbox\/setup-host\.sh$/m,
      );
      expect(reasons).toEqual([]);
    });
  });

  it('as root, runs the set-up once, saying why, then starts the redis-server it installed', async () => {
    await withBarePath(async (dir) => {
      const reasons: string[] = [];
      // What the script's apt-get does for redis-server, done to the PATH this test gave the demo.
      const installs: HostSetup = {
        canRun: true,
        run: async (why) => {
          reasons.push(why);
          const { stdout } = await run('sh', ['-c', 'command -v redis-server']);
          await symlink(stdout.trim(), path.join(dir, 'redis-server'));
        },
      };
      const nobody = `redis://127.0.0.1:${await freePort()}`;
      const redis = await ensureRedis({ REDIS_URL: nobody, PATH: dir }, installs);
      try {
        expect(reasons).toEqual(['redis-server is not installed']);
        expect(redis.startedByDemo).toBe(true);
        const client = await connectTestRedis({ REDIS_URL: redis.url });
        expect(await client.ping()).toBe('PONG');
        client.disconnect();
      } finally {
        await redis.stop();
      }
    });
  });
});

describe('sandbox/setup-host.sh', () => {
  // Redis, dockerd and the image are there on a machine that runs the tests: the script must see that,
  // change nothing, and still print the image, so running it again is cheap and safe.
  it('on a machine already set up, skips every step and prints the sandbox image, also tagged latest', async () => {
    const { stdout, stderr } = await run(SETUP_SCRIPT, [], { timeout: 120_000 });
    expect(stdout).toBe(`${defaultSandboxImage()}\n`);
    expect(stderr).toContain(
      'setup-host: installed already: git redis-server redis-tools docker.io debootstrap\n',
    );
    expect(stderr).toContain('setup-host: Redis answers on 127.0.0.1:6379');
    expect(stderr).toContain('setup-host: the Docker engine answers');
    expect(stderr).toContain(`build-image: ${defaultSandboxImage()} exists`);
    expect(stderr).not.toMatch(/apt-get|debootstrap bookworm|starting/);

    const docker = new Docker();
    const [built, latest] = await Promise.all(
      [defaultSandboxImage(), 'handsbot-sandbox:latest'].map((tag) => docker.getImage(tag).inspect()),
    );
    expect(latest?.Id).toBe(built?.Id);
  }, 150_000);

  it('refuses an unknown argument without doing anything', async () => {
    const failure = run(SETUP_SCRIPT, ['--no-such-flag']);
    await expect(failure).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unknown argument'),
    });
  });
});

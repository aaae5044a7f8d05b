import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { connectTestRedis } from '../support/redis.js';
import { freePort } from './free-port.js';
import { type HostSetup, SETUP_COMMAND } from './host-setup.js';
import { DemoSetupError } from './setup-error.js';

const run = promisify(execFile);

export const INSTALL_REDIS =
  `Set this machine up once (Debian/Ubuntu: installs Redis, Docker and the sandbox image) with: ${SETUP_COMMAND}\n` +
  'or install Redis yourself (sudo dnf install -y redis on Fedora, brew install redis on macOS), or point ' +
  'REDIS_URL at a Redis you already run.';

export interface DemoRedis {
  readonly url: string;
  /** The demo started this Redis and stops it again; otherwise it only used one already running. */
  readonly startedByDemo: boolean;
  stop(): Promise<void>;
}

/**
 * The Redis the demo's queue runs on: the one at REDIS_URL (default 127.0.0.1:6379) when it answers,
 * else a throwaway `redis-server` (no persistence, loopback only) on 6379 or, when that port is taken,
 * a free one. Daemonised, so it is stopped by the pid it wrote, never by name. When redis-server is not
 * installed and `setup` may run (root), it installs it and starts Redis on 6379, which is then used
 * if REDIS_URL names it (the default), else the demo starts its own; without root the error names the
 * one command that does it.
 */
export async function ensureRedis(
  env: NodeJS.ProcessEnv = process.env,
  setup?: HostSetup,
): Promise<DemoRedis> {
  const url = env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (await answers(url)) return { url, startedByDemo: false, stop: async () => undefined };
  try {
    return await startRedis(url, env);
  } catch (error) {
    if (!(error instanceof RedisNotInstalled) || !setup?.canRun) throw error;
    await setup.run('redis-server is not installed');
  }
  if (await answers(url)) return { url, startedByDemo: false, stop: async () => undefined };
  return startRedis(url, env);
}

class RedisNotInstalled extends DemoSetupError {}

async function startRedis(url: string, env: NodeJS.ProcessEnv): Promise<DemoRedis> {
  const port = await freePort(6379);
  const dir = await mkdtemp(path.join(tmpdir(), 'handsbot-demo-redis-'));
  const pidFile = path.join(dir, 'redis.pid');
  try {
    // As START_REDIS_COMMAND in test/support/redis.ts, plus loopback only and files in a folder of its own.
    const args = ['--daemonize', 'yes', '--port', String(port), '--bind', '127.0.0.1'];
    args.push('--save', '', '--appendonly', 'no');
    args.push('--dir', dir, '--pidfile', pidFile, '--logfile', path.join(dir, 'redis.log'));
    await run('redis-server', args, { env });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new RedisNotInstalled(
        `No Redis answers at ${url} and redis-server is not installed. ${INSTALL_REDIS}`,
      );
    }
    throw new DemoSetupError(`redis-server did not start: ${(error as Error).message}`);
  }
  const started = `redis://127.0.0.1:${port}`;
  const stop = async () => {
    const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
    if (pid > 0) await terminate(pid);
    await rm(dir, { recursive: true, force: true });
  };
  // The daemon forks before it listens: wait until it answers (or give up and stop it).
  const deadline = Date.now() + 5_000;
  while (!(await answers(started))) {
    if (Date.now() > deadline) {
      await stop();
      throw new DemoSetupError(`redis-server started on port ${port} but did not answer within 5 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url: started, startedByDemo: true, stop };
}

async function answers(url: string): Promise<boolean> {
  try {
    const redis = await connectTestRedis({ REDIS_URL: url });
    await redis.quit();
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM (Redis exits at once, saving nothing with `--save ''`) and wait for the pid to go. */
async function terminate(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { connectTestRedis } from '../support/redis.js';
import { freePort } from './free-port.js';
import { ensureRedis } from './local-redis.js';
import { summariseToolOutput } from './narrated-scenario.js';
import { DemoSetupError } from './setup-error.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** `npm run demo` as a newcomer runs it; on a timeout it gets Ctrl-C, so it still cleans up. */
async function runDemo(
  timeoutMs: number,
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn('npm', ['run', '--silent', 'demo'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so a timeout interrupts the whole tree as a terminal's Ctrl-C would.
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGINT'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  return { code, stdout, stderr };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm run demo', () => {
  // Needs Docker and the sandbox image, and Redis or redis-server: without them the demo exits
  // non-zero saying what to install, and this test fails with that message.
  it('walks from a label to a PR that fixes the bug, prints it all, and shuts down', async () => {
    const { code, stdout, stderr } = await runDemo(150_000);
    expect(code, `stdout:\n${stdout}\nstderr:\n${stderr}`).toBe(0);

    expect(stdout).toMatch(/^\d+\. Labelled issue #1 .* with `openhands` as @maintainer → .*\(200\)\.$/m);
    expect(stdout).toMatch(/LLM request 1 → terminal: node test\.js/);
    expect(stdout).toMatch(/sandbox: exit 1 · AssertionError/);
    expect(stdout).toMatch(/sandbox: exit 0 · all tests passed/);
    expect(stdout).toMatch(/^\d+\. The run ended \(pull_request_opened\)/m);

    // The PR as the stand-in holds it, and the diff from its bare repository.
    expect(stdout).toMatch(/── Pull request #2: .*add\(\) subtracts/);
    expect(stdout).toContain('Fixes #1');
    expect(stdout).toContain('-  return a - b;');
    expect(stdout).toContain('+  return a + b;');
    expect(stdout).toMatch(/── Tracking comment on issue #1 \(final text\)[\s\S]*pull request #2/);
    expect(stdout).toMatch(/^LLM requests: 4,/m);
    expect(stdout).toContain('0 violation(s)');
    expect(stdout).toMatch(/The LLM in this demo was scripted.*README\.md → “Demo”/);

    // Shut down: the handsbot processes it named are gone.
    expect(stdout).toMatch(/^Shut down handsbot serve and worker/m);
    const pids = [...stdout.matchAll(/\(pid (\d+)/g)].map((m) => Number(m[1]));
    expect(pids).toHaveLength(2);
    expect(pids.filter(alive)).toEqual([]);
  }, 180_000);
});

describe('npm run demo on a machine that lacks something', () => {
  it('says how to start Docker when the engine does not answer, and exits non-zero', async () => {
    const { code, stdout, stderr } = await runDemo(30_000, {
      DOCKER_HOST: 'unix:///nonexistent/docker.sock',
    });
    expect(code).toBe(1);
    expect(stderr).toContain('Docker is not reachable at unix:///nonexistent/docker.sock');
    expect(stderr).toMatch(/systemctl start docker.*\n.*with: sudo sandbox\/setup-host\.sh/);
    expect(stdout).not.toContain('Started the GitHub stand-in');
  });

  it('says the sandbox image is missing instead of starting anything', async () => {
    const { code, stdout, stderr } = await runDemo(30_000, {
      HANDSBOT_SANDBOX_IMAGE: 'registry.invalid/no-such-sandbox:1',
    });
    expect(code).toBe(1);
    expect(stderr).toContain(
      'The sandbox image registry.invalid/no-such-sandbox:1 (HANDSBOT_SANDBOX_IMAGE) is missing',
    );
    expect(stdout).not.toContain('Started the GitHub stand-in');
  });
});

describe('the demo Redis', () => {
  it('starts a redis-server of its own when nothing answers at REDIS_URL, and stops it again', async () => {
    const nobody = `redis://127.0.0.1:${await freePort()}`;
    const redis = await ensureRedis({ ...process.env, REDIS_URL: nobody });
    try {
      expect(redis.startedByDemo).toBe(true);
      expect(redis.url).not.toBe(nobody);
      const client = await connectTestRedis({ REDIS_URL: redis.url });
      expect(await client.ping()).toBe('PONG');
      client.disconnect();
    } finally {
      await redis.stop();
    }
    await expect(connectTestRedis({ REDIS_URL: redis.url })).rejects.toThrow(/not reachable/);
  });

  it('uses a Redis that answers and leaves it running', async () => {
    const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    const redis = await ensureRedis({ ...process.env, REDIS_URL: url });
    expect(redis).toMatchObject({ url, startedByDemo: false });
    await redis.stop();
    const client = await connectTestRedis({ REDIS_URL: url }); // fails, not skips, without Redis
    client.disconnect();
  });

  it('says how to install redis-server when it is missing', async () => {
    const emptyPath = await mkdtemp(path.join(tmpdir(), 'handsbot-demo-path-'));
    try {
      const nobody = `redis://127.0.0.1:${await freePort()}`;
      const failure = ensureRedis({ REDIS_URL: nobody, PATH: emptyPath });
      await expect(failure).rejects.toThrow(DemoSetupError);
      await expect(failure).rejects.toThrow(
        /redis-server is not installed.*\n?.*with: sudo sandbox\/setup-host\.sh/,
      );
    } finally {
      await rm(emptyPath, { recursive: true, force: true });
    }
  });
});

describe('the demo tells a command by its exit code and its message', () => {
  it('keeps the assertion and its values, drops the workspace bookkeeping', () => {
    const failed = [
      'node:internal/process/esm_loader:40',
      "      internalBinding('errors').triggerUncaughtException(",
      '',
      'AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:',
      '',
      '-1 !== 5',
      '    at file:///workspace/widgets/test.js:4:8',
      '[Current working directory: /workspace/widgets]',
      '[Command finished with exit code 1]',
    ].join('\n');
    expect(summariseToolOutput(failed)).toBe(
      'exit 1 · AssertionError [ERR_ASSERTION]: Expected values to be strictly equal: -1 !== 5',
    );
    expect(summariseToolOutput('[Current working directory: /w]\n[Command finished with exit code 0]')).toBe(
      'exit 0 · (no output)',
    );
    expect(summariseToolOutput('all tests passed\n[Command finished with exit code 0]')).toBe(
      'exit 0 · all tests passed',
    );
  });
});

import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { terminalTool } from '../../../src/tools/terminal.js';
import type { DockerWorkspace } from '../../../src/workspace/docker/index.js';
import { createBuggyRepo } from '../../support/fixture-repo.js';
import { type DockerTestContext, dockerTestContext } from './test-workspace.js';

let ctx: DockerTestContext;

beforeEach(async () => {
  ctx = await dockerTestContext();
});

afterEach(async () => {
  // Left undefined when connecting failed: that error is the one to see, not a follow-on.
  await ctx?.cleanup();
});

/** With a hard timeout: these commands end, and a loaded machine must not make them look running. */
const run = (workspace: DockerWorkspace, command: string, timeoutMs = 30_000) =>
  workspace.shell().run({ command, isInput: false, timeoutMs });

describe('limits hold', () => {
  it('a fork bomb is contained by the pids limit; the host is fine and a reset recovers', async () => {
    const workspace = await ctx.workspace({ limits: { pids: 64, memoryBytes: 256 * 1024 * 1024 } });
    const container = ctx.docker.getContainer(workspace.containerId);
    // The bomb backgrounds itself, so the command returns at once and the bomb runs on.
    await run(workspace, ':(){ :|:& };:');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const stats = await container.stats({ stream: false });
    expect(stats.pids_stats?.current ?? 0).toBeGreaterThan(32);
    expect(stats.pids_stats?.current ?? 0).toBeLessThanOrEqual(64);
    // The worker can still start processes while the bomb runs.
    expect(execFileSync('sh', ['-c', 'echo host-ok']).toString()).toBe('host-ok\n');
    await workspace.shell().reset();
    const after = await run(workspace, 'echo alive; ps -e --no-headers | wc -l');
    expect(after.output).toMatch(/^alive\n\s*\d+\n$/);
    expect(Number(after.output.split('\n')[1])).toBeLessThan(10);
    expect((await workspace.exec('echo exec-ok')).output).toBe('exec-ok\n');
  }, 40_000);

  it('a memory hog is killed, and the terminal observation says it ran out of memory', async () => {
    const workspace = await ctx.workspace({ limits: { memoryBytes: 128 * 1024 * 1024 } });
    const hog = 'python3 -c "b = []\nwhile True: b.append(bytearray(10**7))"';
    const observation = await terminalTool.execute(
      // A hard timeout, so that a slow allocation is never mistaken for a command still running.
      { command: hog, timeout: 60 },
      {
        workspace,
        signal: new AbortController().signal,
        runId: 'run-oom',
        outputDir: await ctx.folder(),
        scratch: new Map(),
        tasks: [],
      },
    );
    expect(observation.exitCode).toBe(137);
    expect(observation.content).toContain('ran out of memory');
    // The sandbox lives on, and a plain SIGKILL is not mistaken for an OOM kill.
    const killed = await run(workspace, 'sleep 5 & kill -9 $!; wait $!');
    expect(killed.exitCode).toBe(137);
    expect(killed.output).not.toContain('ran out of memory');
    const once = await workspace.exec(hog);
    expect(once.exitCode).toBe(137);
    expect(once.output).toContain('ran out of memory');
  });

  it('/tmp is a bounded tmpfs and the root filesystem is read-only', async () => {
    const workspace = await ctx.workspace({ limits: { tmpBytes: 16 * 1024 * 1024 } });
    const big = await workspace.exec('dd if=/dev/zero of=/tmp/big bs=1M count=64');
    expect(big.output).toContain('No space left on device');
    const readOnly = await workspace.exec(
      'touch /usr/local/x; touch /etc/x; touch "$HOME/ok" /tmp/ok ./ok && echo writable',
    );
    expect(readOnly.output).toMatch(/touch: cannot touch '\/usr\/local\/x': Read-only file system/);
    expect(readOnly.output).toMatch(
      /touch: cannot touch '\/etc\/x': (Read-only file system|Permission denied)/,
    );
    expect(readOnly.output).toContain('writable');
  });

  it('runs without capabilities, without privilege gain, as a non-root user, with no network', async () => {
    const workspace = await ctx.workspace();
    const status = await workspace.exec(
      'grep -E "^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs):" /proc/self/status; id -u',
    );
    expect(status.output).toMatch(/CapEff:\s+0000000000000000/);
    expect(status.output).toMatch(/CapPrm:\s+0000000000000000/);
    expect(status.output).toMatch(/CapBnd:\s+0000000000000000/);
    expect(status.output).toMatch(/NoNewPrivs:\s+1/);
    expect(status.output.trim().split('\n').at(-1)).not.toBe('0');
    // Only the loopback interface exists: nothing can leave, so nothing is even tried.
    expect((await workspace.exec('ls /sys/class/net')).output).toBe('lo\n');
  });
});

describe('no secret reaches the sandbox', () => {
  const SECRET = 'sk-live-handsbot-test-0123456789abcdef';
  const planted = ['GITHUB_TOKEN', 'LLM_API_KEY', 'HANDSBOT_TEST_SECRET'] as const;

  beforeEach(() => {
    for (const name of planted) process.env[name] = SECRET;
  });

  afterEach(() => {
    for (const name of planted) delete process.env[name];
  });

  it('in the environment, in /proc/*/environ of any process, or in the checkout', async () => {
    const repo = ctx.adopt(await createBuggyRepo());
    const workspace = await ctx.workspace({ hostCheckoutDir: repo });
    const shell = await run(workspace, 'env; sleep 30 &');
    expect(shell.output).not.toContain(SECRET);
    expect(shell.output).not.toMatch(/GITHUB_TOKEN|LLM_API_KEY|HANDSBOT_TEST_SECRET/);
    const environs = await workspace.exec(
      'n=0; for f in /proc/[0-9]*/environ; do cat "$f" 2>/dev/null | tr "\\0" "\\n"; n=$((n+1)); done; echo "processes=$n"',
    );
    expect(Number(/processes=(\d+)/.exec(environs.output)?.[1])).toBeGreaterThanOrEqual(4);
    expect(environs.output).toContain('HOME=/home/agent');
    expect(environs.output).not.toContain(SECRET);
    const search = await workspace.exec(
      `grep -rl -- '${SECRET}' /workspace /home/agent /tmp /etc; git config --list --show-origin`,
    );
    expect(search.output).not.toContain(SECRET);
    expect(await readFile(path.join(repo, '.git/config'), 'utf8')).not.toContain(SECRET);
    // The container's own record of its environment, as the engine holds it.
    const inspected = await ctx.docker.getContainer(workspace.containerId).inspect();
    expect(JSON.stringify(inspected.Config.Env)).not.toContain(SECRET);
  });
});

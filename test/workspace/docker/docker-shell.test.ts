import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DockerWorkspace } from '../../../src/workspace/docker/index.js';
import type { ShellSession } from '../../../src/workspace/workspace.js';
import { type DockerTestContext, dockerTestContext } from './test-workspace.js';

let ctx: DockerTestContext;
let workspace: DockerWorkspace;
let shell: ShellSession;

beforeEach(async () => {
  ctx = await dockerTestContext();
  workspace = await ctx.workspace();
  shell = workspace.shell();
});

afterEach(async () => {
  // Left undefined when connecting failed: that error is the one to see, not a follow-on.
  await ctx?.cleanup();
});

const run = (command: string, extra: { isInput?: boolean; timeoutMs?: number } = {}) =>
  shell.run({
    command,
    isInput: extra.isInput ?? false,
    ...(extra.timeoutMs ? { timeoutMs: extra.timeoutMs } : {}),
  });

describe('the persistent shell in the container', () => {
  it('starts in the checkout as the unprivileged user, and keeps cwd and exports between calls', async () => {
    const who = await run('pwd; id -u; echo "$HOME"');
    expect(who.output).toBe(
      `/workspace/repo\n${process.getuid?.() === 0 ? 10001 : process.getuid?.()}\n/home/agent\n`,
    );
    const first = await run('mkdir -p sub/dir && cd sub/dir && export HB_FOO=bar');
    expect(first.exitCode).toBe(0);
    expect(first.cwd).toBe('/workspace/repo/sub/dir');
    const second = await run('pwd; echo "foo=$HB_FOO"');
    expect(second.output).toBe('/workspace/repo/sub/dir\nfoo=bar\n');
  });

  it('reports exit codes and keeps $? for the next command', async () => {
    expect((await run('false')).exitCode).toBe(1);
    expect((await run('(exit 7)')).exitCode).toBe(7);
    expect((await run('echo $?')).output).toBe('7\n');
    expect((await run('no-such-command-hb')).exitCode).toBe(127);
  });

  it('returns after the soft timeout with -1 and a later empty command collects the rest', async () => {
    const first = await run('echo start; sleep 4; echo end');
    expect(first.exitCode).toBe(-1);
    expect(first.output).toBe('start\n');
    let next = await run('');
    while (next.exitCode === -1) next = await run('');
    expect(next.output).toBe('end\n');
    expect(next.exitCode).toBe(0);
  });

  it('sends input to a running command', async () => {
    expect((await run('read x; echo "got $x"')).exitCode).toBe(-1);
    const answered = await run('hello there', { isInput: true });
    expect(answered.output).toBe('got hello there\n');
    expect(answered.exitCode).toBe(0);
  });

  it('C-c interrupts sleep 100 inside the container and the shell lives on', async () => {
    await run('export KEEP=1; cd /tmp');
    expect((await run('sleep 100')).exitCode).toBe(-1);
    const started = Date.now();
    const interrupted = await run('C-c', { isInput: true });
    expect(interrupted.exitCode).toBe(130);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect((await run('echo $KEEP; pwd')).output).toBe('1\n/tmp\n');
    expect((await run('pgrep -fx "sleep 100" || echo none')).output).toBe('none\n');
  });

  it('an endless command hits its hard timeout and the shell is usable after', async () => {
    const started = Date.now();
    const result = await run('echo before; while :; do :; done', { timeoutMs: 500 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.timedOut).toBe(true);
    expect(result.output).toContain('before');
    expect((await run('echo next')).output).toBe('next\n');
  });

  it('a command that ignores C-c on a hard timeout is killed with the shell, which restarts', async () => {
    await run('cd /tmp');
    const result = await run("trap '' INT; sleep 100", { timeoutMs: 300 });
    expect(result.timedOut).toBe(true);
    expect(result.output).toContain('terminal was restarted');
    expect((await run('pwd; pgrep -fx "sleep 100" || echo none')).output).toBe('/workspace/repo\nnone\n');
  });

  it('reset kills running commands and starts afresh in the root', async () => {
    await run('cd /tmp; export GONE=1');
    await run('sleep 100');
    await shell.reset();
    expect((await run('pwd; echo "gone=$GONE"; pgrep -fx "sleep 100" || echo none')).output).toBe(
      '/workspace/repo\ngone=\nnone\n',
    );
  });
});

describe('one-off commands in the container', () => {
  it('runs with merged output and the exit code, in the checkout or a folder of it', async () => {
    const result = await workspace.exec('echo out; echo err >&2; mkdir -p d; exit 3');
    expect(result).toEqual({ exitCode: 3, output: 'out\nerr\n', timedOut: false });
    expect((await workspace.exec('pwd', { cwd: '/workspace/repo/d' })).output).toBe('/workspace/repo/d\n');
    await expect(workspace.exec('pwd', { cwd: '/etc' })).rejects.toMatchObject({
      name: 'WorkspacePathError',
    });
  });

  it('a timeout kills the whole process session inside the container', async () => {
    const started = Date.now();
    const result = await workspace.exec('sleep 100 & sleep 100; echo never', { timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.timedOut).toBe(true);
    expect(result.output).not.toContain('never');
    expect((await workspace.exec('pgrep -fx "sleep 100" || echo none')).output).toBe('none\n');
  });

  it('stops on abort', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const result = await workspace.exec('sleep 100', { signal: controller.signal });
    expect(result.exitCode).not.toBe(0);
    expect((await workspace.exec('pgrep -fx "sleep 100" || echo none')).output).toBe('none\n');
  });
});

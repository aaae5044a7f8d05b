import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalWorkspace } from '../../src/workspace/local-workspace.js';
import { ShellStateError } from '../../src/workspace/shell-session.js';
import type { ShellSession, Workspace } from '../../src/workspace/workspace.js';

let root: string;
let workspace: Workspace;
let shell: ShellSession;

beforeEach(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'hb-shell-')));
  workspace = createLocalWorkspace({
    root,
    shell: { noOutputTimeoutMs: 400, interruptGraceMs: 1_000 },
  });
  shell = workspace.shell();
});

afterEach(async () => {
  await workspace.close();
  rmSync(root, { recursive: true, force: true });
});

const run = (command: string, extra: { isInput?: boolean; timeoutMs?: number } = {}) =>
  shell.run({
    command,
    isInput: extra.isInput ?? false,
    ...(extra.timeoutMs ? { timeoutMs: extra.timeoutMs } : {}),
  });

describe('persistent shell', () => {
  it('keeps the working directory and exported variables between calls', async () => {
    const first = await run('mkdir -p sub/dir && cd sub/dir && export HB_FOO=bar');
    expect(first.exitCode).toBe(0);
    expect(first.cwd).toBe(join(root, 'sub/dir'));
    const second = await run('pwd; echo "foo=$HB_FOO"');
    expect(second.output).toBe(`${join(root, 'sub/dir')}\nfoo=bar\n`);
    expect(second.cwd).toBe(join(root, 'sub/dir'));
  });

  it('reports exit codes and keeps $? for the next command', async () => {
    expect((await run('false')).exitCode).toBe(1);
    expect((await run('(exit 7)')).exitCode).toBe(7);
    expect((await run('echo $?')).output).toBe('7\n');
    expect((await run('no-such-command-hb')).exitCode).toBe(127);
  });

  it('runs multi-line commands, quotes and heredocs as written', async () => {
    const result = await run("cat <<'EOF'\nit's $HOME \\n\nEOF\necho \"a'b\" !!");
    expect(result.output).toBe("it's $HOME \\n\na'b !!\n");
  });

  it('returns after the soft timeout with -1 and a later empty command collects the rest', async () => {
    const first = await run('echo start; sleep 1; echo end');
    expect(first.exitCode).toBe(-1);
    expect(first.output).toBe('start\n');
    let next = await run('');
    while (next.exitCode === -1) next = await run('');
    expect(next.output).toBe('end\n');
    expect(next.exitCode).toBe(0);
  });

  it('refuses a new command while one runs, then sends input to it', async () => {
    const first = await run('read x; echo "got $x"');
    expect(first.exitCode).toBe(-1);
    await expect(run('ls')).rejects.toMatchObject({ name: 'ShellStateError', reason: 'busy' });
    const answered = await run('hello there', { isInput: true });
    expect(answered.output).toBe('got hello there\n');
    expect(answered.exitCode).toBe(0);
  });

  it('refuses input and reads when nothing runs', async () => {
    await expect(run('x', { isInput: true })).rejects.toBeInstanceOf(ShellStateError);
    await expect(run('')).rejects.toMatchObject({ reason: 'idle' });
    await expect(run('C-c', { isInput: true })).rejects.toMatchObject({ reason: 'idle' });
  });

  it('C-c interrupts a running command and the shell lives on', async () => {
    await run('export KEEP=1; cd /tmp');
    expect((await run('sleep 100')).exitCode).toBe(-1);
    const interrupted = await run('C-c', { isInput: true });
    expect(interrupted.exitCode).toBe(130);
    expect((await run('echo $KEEP; pwd')).output).toBe('1\n/tmp\n');
  });

  it('C-c stops a loop made of shell builtins', async () => {
    expect((await run('while :; do :; done')).exitCode).toBe(-1);
    expect((await run('C-c', { isInput: true })).exitCode).toBe(130);
    expect((await run('echo alive')).output).toBe('alive\n');
  });

  it('C-d is refused with advice rather than hanging', async () => {
    await run('cat');
    await expect(run('C-d', { isInput: true })).rejects.toMatchObject({ reason: 'unsupported_key' });
    expect((await run('C-c', { isInput: true })).exitCode).toBe(130);
  });

  it('a hard timeout interrupts the command and says so', async () => {
    const started = Date.now();
    const result = await run('echo before; sleep 100', { timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBe(130);
    expect(result.output).toContain('before');
    expect((await run('echo next')).output).toBe('next\n');
  });

  it('a command that ignores C-c on a hard timeout gets the shell restarted', async () => {
    await run('cd /tmp');
    const result = await run("trap '' INT; sleep 100", { timeoutMs: 200 });
    expect(result.timedOut).toBe(true);
    expect(result.output).toContain('terminal was restarted');
    const after = await run('pwd');
    expect(after.output).toBe(`${root}\n`);
  });

  it('an exit ends the shell and the next command gets a fresh one', async () => {
    const result = await run('exit 3');
    expect(result.exitCode).toBe(3);
    expect(result.output).toContain('shell exited');
    expect((await run('echo again')).output).toBe('again\n');
  });

  it('reset kills running commands and starts afresh in the root', async () => {
    await run('cd /tmp; export GONE=1');
    await run('sleep 100');
    await shell.reset();
    const result = await run('pwd; echo "gone=$GONE"');
    expect(result.output).toBe(`${root}\ngone=\n`);
  });

  it('keeps a long output whole for the tool to cut', async () => {
    const result = await run('seq 1 20000');
    expect(result.exitCode).toBe(0);
    expect(result.output.split('\n')).toHaveLength(20001);
  });

  it('gives the shell no secret from the worker environment', async () => {
    process.env.HB_FAKE_SECRET = 'sekrit-value-123';
    const fresh = createLocalWorkspace({ root });
    try {
      const result = await fresh
        .shell()
        .run({ command: 'env; cat /proc/$$/environ | tr "\\0" "\\n"', isInput: false });
      expect(result.output).not.toContain('sekrit-value-123');
      expect(result.output).toContain('TERM=dumb');
      const exec = await fresh.exec('env');
      expect(exec.output).not.toContain('sekrit-value-123');
    } finally {
      delete process.env.HB_FAKE_SECRET;
      await fresh.close();
    }
    expect(readFileSync('/proc/self/environ', 'utf8')).not.toContain('sekrit-value-123');
  });
});

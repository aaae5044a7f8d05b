import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TerminalArgs, terminalTool } from '../../src/tools/terminal.js';
import type { ToolContext } from '../../src/tools/tool.js';
import { makeContext } from './tool-context.js';

let root: string;
let outputDir: string;
let context: ToolContext;
let cleanup: () => Promise<void>;

beforeEach(() => {
  ({ root, outputDir, context, cleanup } = makeContext());
});
afterEach(() => cleanup());

const terminal = (args: TerminalArgs) => terminalTool.execute(args, context);

describe('terminal tool', () => {
  it('ends the observation with the cwd and the exit code', async () => {
    const result = await terminal({ command: 'echo hi; false' });
    expect(result.exitCode).toBe(1);
    expect(result.isError).toBe(false);
    expect(result.content).toBe(
      `hi\n[Current working directory: ${root}]\n[Command finished with exit code 1]`,
    );
  });

  it('reports a still-running command with -1 and collects the rest later', async () => {
    const first = await terminal({ command: 'echo a; sleep 0.8; echo b' });
    expect(first.exitCode).toBe(-1);
    expect(first.content).toContain('still running');
    let next = await terminal({ command: '', is_input: true });
    while (next.exitCode === -1) next = await terminal({ command: '', is_input: true });
    expect(next.content).toContain('b\n');
    expect(next.exitCode).toBe(0);
  });

  it('tells the agent to wait when a command is still running', async () => {
    await terminal({ command: 'sleep 100' });
    const busy = await terminal({ command: 'ls' });
    expect(busy.isError).toBe(true);
    expect(busy.content).toContain('is NOT executed');
    const stopped = await terminal({ command: 'C-c', is_input: true });
    expect(stopped.exitCode).toBe(130);
  });

  it('interrupts on a hard timeout given in seconds', async () => {
    const result = await terminal({ command: 'sleep 100', timeout: 0.3 });
    expect(result.isError).toBe(true);
    expect(result.content).toContain('timed out after 0.3 seconds');
  });

  it('cuts long output in the middle and keeps the full text in a file', async () => {
    const result = await terminal({ command: 'seq 1 20000' });
    expect(result.truncated).toBe(true);
    expect(result.content.length).toBeLessThan(31_000);
    expect(result.content).toMatch(/^1\n2\n3\n/);
    expect(result.content).toContain('19999\n20000\n');
    expect(result.content).toContain('<response clipped');
    expect(result.fullOutputPath?.startsWith(outputDir)).toBe(true);
    const full = readFileSync(result.fullOutputPath ?? '', 'utf8');
    expect(full.split('\n')).toHaveLength(20001);
  });

  it('resets the shell, and refuses reset with is_input', async () => {
    await terminal({ command: 'cd /tmp && export X=1' });
    const reset = await terminal({ command: '', reset: true });
    expect(reset.content).toContain('Terminal session has been reset');
    const after = await terminal({ command: 'pwd; echo "x=$X"' });
    expect(after.content).toContain(`${root}\nx=\n`);
    expect((await terminal({ command: '', reset: true, is_input: true })).isError).toBe(true);
  });
});

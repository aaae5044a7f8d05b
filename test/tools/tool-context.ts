import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Task, ToolContext } from '../../src/tools/tool.js';
import { createLocalWorkspace } from '../../src/workspace/local-workspace.js';

/** A real workspace in a temp folder and a context around it; `cleanup` removes both. */
export function makeContext(tasks: Task[] = []) {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'hb-tools-')));
  const outputDir = mkdtempSync(join(tmpdir(), 'hb-out-'));
  const workspace = createLocalWorkspace({
    root,
    shell: { noOutputTimeoutMs: 400, interruptGraceMs: 1_000 },
  });
  const context: ToolContext = {
    workspace,
    signal: new AbortController().signal,
    runId: 'run-test',
    outputDir,
    scratch: new Map(),
    tasks,
  };
  const cleanup = async () => {
    await workspace.close();
    rmSync(root, { recursive: true, force: true });
    rmSync(outputDir, { recursive: true, force: true });
  };
  return { root, outputDir, context, cleanup };
}

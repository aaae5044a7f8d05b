import { execFileSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyReplay } from '../../src/agent/verify-replay.js';
import { createInMemoryEventStore } from '../../src/events/index.js';
import { createLocalWorkspace } from '../../src/workspace/index.js';
import { createBuggyRepo } from '../support/fixture-repo.js';
import { type ScriptedLlmServer, startScriptedLlmServer } from '../support/scripted-llm/index.js';
import { startScriptedConversation } from './scripted-agent.js';

let server: ScriptedLlmServer | undefined;
afterEach(async () => {
  await server?.close();
});

async function recordRun(commands: string[]) {
  const repo = await createBuggyRepo();
  server = await startScriptedLlmServer([
    ...commands.map((command) => ({ toolCalls: [{ name: 'terminal', arguments: { command } }] })),
    {
      toolCalls: [
        {
          name: 'file_editor',
          arguments: {
            command: 'str_replace',
            path: path.join(repo, 'src/math.js'),
            old_str: 'a - b',
            new_str: 'a + b',
          },
        },
      ],
    },
    { toolCalls: [{ name: 'finish', arguments: { message: 'done' } }] },
  ]);
  const started = await startScriptedConversation({
    provider: 'openai',
    server,
    repo,
    store: createInMemoryEventStore(),
  });
  await started.conversation.run();
  await started.workspace.close();
  // A fresh checkout of the same starting commit, elsewhere.
  const fresh = path.join(await mkdtemp(path.join(tmpdir(), 'handsbot-replay-')), 'repo');
  execFileSync('git', ['clone', '--quiet', repo, fresh]);
  return { repo, fresh, events: started.conversation.events(), tools: started.agent.tools };
}

describe('verifyReplay', () => {
  it('re-executes every action in a fresh checkout and finds every observation the same', async () => {
    const { repo, fresh, events, tools } = await recordRun(['node test.js', 'cat src/math.js']);
    const workspace = createLocalWorkspace({ root: fresh });
    try {
      const report = await verifyReplay(events, tools, workspace, {
        originalRoot: repo,
        outputDir: path.join(fresh, '..', 'out'),
      });
      expect(report).toEqual({ executed: 4, difference: null });
    } finally {
      await workspace.close();
    }
  });

  it('reports the first observation that differs', async () => {
    const { repo, fresh, events, tools } = await recordRun([
      'echo stable',
      'echo $RANDOM$RANDOM',
      'node test.js',
    ]);
    const workspace = createLocalWorkspace({ root: fresh });
    try {
      const report = await verifyReplay(events, tools, workspace, {
        originalRoot: repo,
        outputDir: path.join(fresh, '..', 'out'),
      });
      expect(report.executed).toBe(2);
      expect(report.difference?.action.arguments).toEqual({ command: 'echo $RANDOM$RANDOM' });
      expect(report.difference?.actual.content).not.toBe(report.difference?.expected.content);
    } finally {
      await workspace.close();
    }
  });
});

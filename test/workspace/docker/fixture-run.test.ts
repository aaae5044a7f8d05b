import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInMemoryEventStore } from '../../../src/events/index.js';
import { startScriptedConversation } from '../../agent/scripted-agent.js';
import { createBuggyRepo } from '../../support/fixture-repo.js';
import {
  type ScriptedLlmServer,
  type ScriptedOutcome,
  startScriptedLlmServer,
} from '../../support/scripted-llm/index.js';
import { type DockerTestContext, dockerTestContext } from './test-workspace.js';

const ROOT = '/workspace/repo';

/** The agent core's fixture run (test/agent/conversation.test.ts), with container paths. */
const FIX_SCRIPT: ScriptedOutcome[] = [
  {
    text: 'Let me run the tests first.',
    toolCalls: [{ name: 'terminal', arguments: { command: 'node test.js', security_risk: 'LOW' } }],
  },
  { toolCalls: [{ name: 'file_editor', arguments: { command: 'view', path: `${ROOT}/src/math.js` } }] },
  {
    text: 'add subtracts; fix it.',
    toolCalls: [
      {
        name: 'file_editor',
        arguments: {
          command: 'str_replace',
          path: `${ROOT}/src/math.js`,
          old_str: 'return a - b;',
          new_str: 'return a + b;',
          security_risk: 'LOW',
          summary: 'fix add',
        },
      },
    ],
  },
  { toolCalls: [{ name: 'terminal', arguments: { command: 'node test.js', security_risk: 'LOW' } }] },
  { toolCalls: [{ name: 'finish', arguments: { message: 'Fixed add() to add instead of subtract.' } }] },
];

let ctx: DockerTestContext;
let server: ScriptedLlmServer | undefined;

beforeEach(async () => {
  ctx = await dockerTestContext();
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  // Left undefined when connecting failed: that error is the one to see, not a follow-on.
  await ctx?.cleanup();
});

describe('the agent core in a Docker workspace', () => {
  it('fixes the fixture bug end to end, every command and edit inside the container', async () => {
    const repo = ctx.adopt(await createBuggyRepo());
    server = await startScriptedLlmServer(FIX_SCRIPT);
    const workspace = await ctx.workspace({ hostCheckoutDir: repo, shell: {} });
    const { conversation } = await startScriptedConversation({
      provider: 'openai',
      server,
      repo,
      store: createInMemoryEventStore(),
      workspace,
    });
    const state = await conversation.run();
    expect(state.status).toBe('finished');
    expect(state.finishMessage).toBe('Fixed add() to add instead of subtract.');

    const observations = conversation.events().filter((e) => e.kind === 'observation');
    expect(observations.map((o) => o.exitCode)).toEqual([1, null, null, 0, null]);
    expect(observations[0]?.content).toMatch(/AssertionError/);
    expect(observations[0]?.content).toContain(`[Current working directory: ${ROOT}]`);
    expect(observations[3]?.content).toContain('all tests passed');
    // The system prompt told the agent where the repository is and that it is sandboxed.
    const prompt = conversation.events().find((e) => e.kind === 'system_prompt');
    expect(JSON.stringify(prompt)).toContain(ROOT);
    expect(JSON.stringify(prompt)).toContain('isolated sandbox');

    expect(await workspace.diff()).toContain('+  return a + b;');
    await workspace.close();
    expect(await readFile(path.join(repo, 'src/math.js'), 'utf8')).toContain('return a + b;');
  });
});

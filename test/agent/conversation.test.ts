import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createInMemoryEventStore } from '../../src/events/index.js';
import { createBuggyRepo } from '../support/fixture-repo.js';
import {
  lastToolResult,
  type ScriptedLlmServer,
  type ScriptedOutcome,
  startScriptedLlmServer,
} from '../support/scripted-llm/index.js';
import { startScriptedConversation } from './scripted-agent.js';

/** The five steps a competent agent takes to fix the fixture's bug. */
function fixScript(repo: string): ScriptedOutcome[] {
  return [
    {
      text: 'Let me run the tests first.',
      toolCalls: [{ name: 'terminal', arguments: { command: 'node test.js', security_risk: 'LOW' } }],
    },
    {
      toolCalls: [
        { name: 'file_editor', arguments: { command: 'view', path: path.join(repo, 'src/math.js') } },
      ],
    },
    {
      text: 'add subtracts; fix it.',
      toolCalls: [
        {
          name: 'file_editor',
          arguments: {
            command: 'str_replace',
            path: path.join(repo, 'src/math.js'),
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
}

let server: ScriptedLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe.each([
  { provider: 'openai' as const, stream: false },
  { provider: 'openai' as const, stream: true },
  { provider: 'anthropic' as const, stream: false },
  { provider: 'anthropic' as const, stream: true },
])('a run against $provider (stream: $stream)', ({ provider, stream }) => {
  it('fixes a real bug in a fixture repository end to end', async () => {
    const repo = await createBuggyRepo();
    server = await startScriptedLlmServer(fixScript(repo));
    const store = createInMemoryEventStore();
    const { conversation, workspace } = await startScriptedConversation({
      provider,
      stream,
      server,
      repo,
      store,
    });
    try {
      const state = await conversation.run();
      expect(state.status).toBe('finished');
      expect(state.finishMessage).toBe('Fixed add() to add instead of subtract.');
      expect(await readFile(path.join(repo, 'src/math.js'), 'utf8')).toContain('return a + b;');

      const observations = conversation.events().filter((e) => e.kind === 'observation');
      expect(observations.map((o) => o.exitCode)).toEqual([1, null, null, 0, null]);
      expect(observations[3]?.content).toContain('all tests passed');
      expect(state.iterations).toBe(5);
      expect(state.metrics.llmCalls).toBe(5);

      // The second request carried the first command's real failure back to the model.
      const second = server.requests[1];
      expect(second && lastToolResult(second)?.content).toMatch(
        /AssertionError|Expected values to be strictly equal/,
      );
      // The log is what the store holds.
      expect(await store.read('run-scripted')).toEqual(conversation.events());
      expect(await workspace.diff()).toContain('+  return a + b;');
    } finally {
      await workspace.close();
    }
  });
});

describe('a run', () => {
  it('sends a malformed tool call back to the LLM as an error and goes on', async () => {
    const repo = await createBuggyRepo();
    server = await startScriptedLlmServer([
      { toolCalls: [{ name: 'terminal', arguments: '{"command": "ls' }] },
      { toolCalls: [{ name: 'shell', arguments: { command: 'ls' } }] },
      { toolCalls: [{ name: 'file_editor', arguments: { command: 'view' } }] },
      (request) => ({
        toolCalls: [{ name: 'finish', arguments: { message: `saw: ${lastToolResult(request)?.content}` } }],
      }),
    ]);
    const { conversation, workspace } = await startScriptedConversation({
      provider: 'openai',
      server,
      repo,
      store: createInMemoryEventStore(),
    });
    try {
      const state = await conversation.run();
      expect(state.status).toBe('finished');
      const errors = conversation.events().filter((e) => e.kind === 'agent_error');
      expect(errors).toHaveLength(3);
      expect(errors.map((e) => e.error).join('\n')).toMatch(/JSON/i);
      expect(errors[1]?.error).toMatch(/shell/);
      expect(errors[2]?.error).toMatch(/path/);
      expect(state.finishMessage).toMatch(/^saw: .*path/s);
    } finally {
      await workspace.close();
    }
  });

  it('nudges an agent that answers without a tool call, and ends a monologue as stuck', async () => {
    const repo = await createBuggyRepo();
    server = await startScriptedLlmServer(() => ({ text: 'I believe the bug is in math.js.' }));
    const { conversation, workspace } = await startScriptedConversation({
      provider: 'anthropic',
      server,
      repo,
      store: createInMemoryEventStore(),
    });
    try {
      const state = await conversation.run();
      expect(state.status).toBe('stuck');
      expect(state.error?.detail).toMatch(/^monologue/);
      expect(conversation.events().filter((e) => e.kind === 'message' && e.automatic)).toHaveLength(3);
      expect(server.requests).toHaveLength(3);
    } finally {
      await workspace.close();
    }
  });
});

import { readFile, writeFile } from 'node:fs/promises';
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

describe('secrets', () => {
  it('masks a key and a token printed by a command before they reach the log or the next prompt', async () => {
    const repo = await createBuggyRepo();
    const token = `ghp_${'a1B2c3D4e5'.repeat(4)}`;
    await writeFile(path.join(repo, '.env.local'), `LLM_KEY=sk-test-key-0123456789\nGH=${token}\n`);
    server = await startScriptedLlmServer([
      { toolCalls: [{ name: 'terminal', arguments: { command: 'cat .env.local' } }] },
      { toolCalls: [{ name: 'finish', arguments: { message: 'read it' } }] },
    ]);
    const store = createInMemoryEventStore();
    const { conversation, workspace } = await startScriptedConversation({
      provider: 'openai',
      server,
      repo,
      store,
    });
    try {
      await conversation.run();
      const stored = JSON.stringify(await store.read('run-scripted'));
      expect(stored).toContain('LLM_KEY=<secret-hidden>');
      expect(stored).not.toContain('sk-test-key-0123456789');
      expect(stored).not.toContain(token);
      const second = server.requests[1]?.raw ?? '';
      expect(second).toContain('<secret-hidden>');
      expect(second).not.toContain(token);
      expect(second).not.toContain('sk-test-key-0123456789');
    } finally {
      await workspace.close();
    }
  });
  it('masks a secret the LLM itself writes in its reply before it is stored or sent back', async () => {
    const repo = await createBuggyRepo();
    const aws = 'AKIAIOSFODNN7EXAMPLE';
    server = await startScriptedLlmServer([
      {
        text: `I found the key ${aws} in the docs.`,
        toolCalls: [{ name: 'think', arguments: { thought: `note ${aws}` } }],
      },
      { toolCalls: [{ name: 'finish', arguments: { message: `done with ${aws}` } }] },
    ]);
    const store = createInMemoryEventStore();
    const { conversation, workspace } = await startScriptedConversation({
      provider: 'anthropic',
      server,
      repo,
      store,
    });
    try {
      const state = await conversation.run();
      expect(state.finishMessage).toBe('done with <secret-hidden>');
      expect(JSON.stringify(await store.read('run-scripted'))).not.toContain(aws);
      expect(server.requests[1]?.raw).not.toContain(aws);
    } finally {
      await workspace.close();
    }
  });
});

describe('legacy tool names', () => {
  it('shows the LLM execute_bash and str_replace_editor and runs its calls under those names', async () => {
    const repo = await createBuggyRepo();
    server = await startScriptedLlmServer([
      { toolCalls: [{ name: 'execute_bash', arguments: { command: 'node test.js' } }] },
      {
        toolCalls: [
          {
            name: 'str_replace_editor',
            arguments: {
              command: 'str_replace',
              path: path.join(repo, 'src/math.js'),
              old_str: 'a - b',
              new_str: 'a + b',
            },
          },
        ],
      },
      { toolCalls: [{ name: 'finish', arguments: { message: 'fixed' } }] },
    ]);
    const { conversation, workspace } = await startScriptedConversation({
      provider: 'openai',
      server,
      repo,
      store: createInMemoryEventStore(),
      env: { HANDSBOT_TOOL_NAMES: 'legacy' },
    });
    try {
      expect((await conversation.run()).status).toBe('finished');
      const names = server.requests[0]?.openai?.tools?.map((t) =>
        t.type === 'function' ? t.function.name : '',
      );
      expect(names).toEqual(expect.arrayContaining(['execute_bash', 'str_replace_editor', 'finish']));
      expect(names).not.toContain('terminal');
      // The log keeps current names; the prompt shows the model the names it used.
      expect(
        conversation
          .events()
          .filter((e) => e.kind === 'action')
          .map((e) => e.kind === 'action' && e.toolName),
      ).toEqual(['terminal', 'file_editor', 'finish']);
      const third = server.requests[2]?.openai?.messages ?? [];
      expect(JSON.stringify(third)).toContain('"name":"str_replace_editor"');
      expect(await readFile(path.join(repo, 'src/math.js'), 'utf8')).toContain('a + b');
    } finally {
      await workspace.close();
    }
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { terminalHistory } from '../../src/agent/terminal-history.js';
import { createInMemoryEventStore } from '../../src/events/index.js';
import { createBuggyRepo } from '../support/fixture-repo.js';
import { type ScriptedLlmServer, startScriptedLlmServer } from '../support/scripted-llm/index.js';
import { startScriptedConversation } from './scripted-agent.js';

let server: ScriptedLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A path outside the workspace that does not exist: deleting it is HIGH, and harmless if it ever ran. */
const OUTSIDE = '/opt/handsbot-test-does-not-exist';
const terminal = (command: string, extra: Record<string, unknown> = {}) => ({
  name: 'terminal',
  arguments: { command, security_risk: 'LOW', ...extra },
});
const finish = { toolCalls: [{ name: 'finish', arguments: { message: 'done' } }] };

async function run(responses: Parameters<typeof startScriptedLlmServer>[0]) {
  server = await startScriptedLlmServer(responses);
  const repo = await createBuggyRepo();
  return startScriptedConversation({ provider: 'openai', server, repo, store: createInMemoryEventStore() });
}

describe('the agent rates each command in the shell its earlier commands left', () => {
  it('an alias defined by one command makes the next, innocent-looking one wait for confirmation', async () => {
    const { conversation, workspace } = await run([
      { toolCalls: [terminal("alias del='rm -rf'")] },
      { toolCalls: [terminal(`del ${OUTSIDE}`)] },
      finish,
    ]);
    try {
      const state = await conversation.run();
      expect(state.status).toBe('waiting_for_confirmation');
      const [pending] = state.pendingActions;
      expect(pending?.arguments.command).toBe(`del ${OUTSIDE}`);
      expect(pending?.verdict.risk).toBe('HIGH');
      expect(pending?.verdict.reasons.map((r) => r.rule)).toContain('session-alias');
      // The definition ran, ungated: the history is the log's executed terminal commands.
      expect(conversation.events().filter((e) => e.kind === 'observation')).toHaveLength(1);
      expect(terminalHistory(conversation.events())).toEqual(["alias del='rm -rf'", `del ${OUTSIDE}`]);
    } finally {
      await workspace.close();
    }
  });

  it('a function defined earlier in the same response counts for the calls after it', async () => {
    const { conversation, workspace } = await run([
      { toolCalls: [terminal('tidy(){ rm -rf "$1"; }'), terminal(`tidy ${OUTSIDE}`)] },
      finish,
    ]);
    try {
      const state = await conversation.run();
      expect(state.status).toBe('waiting_for_confirmation');
      const [definition, call] = state.pendingActions;
      expect(definition?.verdict.risk).not.toBe('HIGH');
      expect(call?.verdict.risk).toBe('HIGH');
      expect(call?.verdict.reasons.map((r) => r.rule)).toContain('delete-outside-workspace');
    } finally {
      await workspace.close();
    }
  });

  it('forgets the session at a terminal reset, as the fresh shell does', async () => {
    const { conversation, workspace } = await run([
      { toolCalls: [terminal("alias del='rm -rf'")] },
      { toolCalls: [terminal('', { reset: true })] },
      { toolCalls: [terminal(`del ${OUTSIDE} 2>/dev/null; echo after-reset`)] },
      finish,
    ]);
    try {
      const state = await conversation.run();
      expect(state.status).toBe('finished');
      const last = conversation
        .events()
        .filter((e) => e.kind === 'action')
        .at(-2);
      expect(last?.kind === 'action' && last.verdict.reasons.map((r) => r.rule)).not.toContain(
        'session-alias',
      );
    } finally {
      await workspace.close();
    }
  });

  it('leaves out a definition a person rejected: it never ran', async () => {
    const { conversation, workspace } = await run([
      { toolCalls: [terminal("alias ls='rm -rf ~'")] },
      { toolCalls: [terminal('ls')] },
      finish,
    ]);
    try {
      expect((await conversation.run()).status).toBe('waiting_for_confirmation');
      await conversation.decide({ approve: false, by: 'maintainer', reason: 'no' });
      expect((await conversation.run()).status).toBe('finished');
      const ls = conversation.events().find((e) => e.kind === 'action' && e.arguments.command === 'ls');
      expect(ls?.kind === 'action' && ls.verdict.risk).toBe('LOW');
      expect(terminalHistory(conversation.events())).toEqual(['ls']);
    } finally {
      await workspace.close();
    }
  });
});

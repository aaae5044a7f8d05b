import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Conversation } from '../../src/agent/conversation.js';
import { createInMemoryEventStore, type EventStore } from '../../src/events/index.js';
import { waitFor } from '../cli/run-cli.js';
import { createBuggyRepo } from '../support/fixture-repo.js';
import {
  lastToolResult,
  type RecordedRequest,
  type ScriptedLlmServer,
  startScriptedLlmServer,
} from '../support/scripted-llm/index.js';
import { History } from './history.js';
import { startScriptedConversation } from './scripted-agent.js';

let server: ScriptedLlmServer | undefined;
afterEach(async () => {
  await server?.close();
});

/**
 * A stored log whose last step is a terminal call with no result: what a run leaves when it is cut off
 * mid-command, by an interrupt (`interrupted`: a pause follows) or by the process dying (nothing does).
 */
async function logCutOffAt(
  runId: string,
  repo: string,
  command: string,
  how: 'interrupted' | 'crashed',
): Promise<EventStore> {
  const store = createInMemoryEventStore();
  const h = new History(runId).start({ workspace: { kind: 'local', root: repo } });
  h.add({
    kind: 'action',
    source: 'agent',
    thought: '',
    toolName: 'terminal',
    toolCallId: 'call_cut',
    arguments: { command },
    securityRisk: 'LOW',
    verdict: { risk: 'LOW', reasons: [] },
    llmResponseId: 'r1',
  });
  if (how === 'interrupted') h.add({ kind: 'pause', source: 'user', reason: 'interrupted' });
  await store.append(runId, h.events);
  return store;
}

/** A model that finishes at once, repeating the last tool result it was sent. */
const ECHO_LAST_RESULT = [
  (request: RecordedRequest) => ({
    toolCalls: [{ name: 'finish', arguments: { message: `${lastToolResult(request)?.content}` } }],
  }),
];

describe('interrupting a run', () => {
  it('stops a running command at once; the LLM later sees it was interrupted', async () => {
    const repo = await createBuggyRepo();
    server = await startScriptedLlmServer([
      { toolCalls: [{ name: 'terminal', arguments: { command: 'touch started && sleep 30', timeout: 60 } }] },
      (request) => ({
        toolCalls: [{ name: 'finish', arguments: { message: `${lastToolResult(request)?.content}` } }],
      }),
    ]);
    const { conversation, workspace } = await startScriptedConversation({
      provider: 'openai',
      server,
      repo,
      store: createInMemoryEventStore(),
    });
    try {
      const controller = new AbortController();
      const running = conversation.run(controller.signal);
      await waitFor(() => existsSync(path.join(repo, 'started')), 10_000, 'the sleep to start');
      // `touch` has finished; give bash a moment to fork `sleep`, so the C-c meets the sleep itself.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const started = Date.now();
      controller.abort();
      const paused = await running;
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(paused.status).toBe('paused');
      expect(paused.pauseReason).toBe('interrupted');
      const observation = conversation.events().find((e) => e.kind === 'observation');
      expect(observation?.kind === 'observation' && observation.exitCode).toBe(130);

      const finished = await conversation.run();
      expect(finished.status).toBe('finished');
      expect(finished.finishMessage).toMatch(/exit code 130/);
    } finally {
      await workspace.close();
    }
  });

  it('rejects, on resume, an action cut off before it could report, instead of running it blindly', async () => {
    const repo = await createBuggyRepo();
    server = await startScriptedLlmServer(ECHO_LAST_RESULT);
    const store = await logCutOffAt('run-interrupted', repo, 'touch must-not-run', 'interrupted');
    const { agent, workspace } = await startScriptedConversation({ provider: 'openai', server, repo, store });
    try {
      const resumed = await Conversation.resume({
        store,
        runId: 'run-interrupted',
        agent,
        workspace,
        deps: { outputDir: path.join(repo, '..', 'out') },
      });
      const state = await resumed.run();
      expect(state.finishMessage).toBe(
        'Action rejected: the run was interrupted before this action finished',
      );
      expect(existsSync(path.join(repo, 'must-not-run'))).toBe(false);
    } finally {
      await workspace.close();
    }
  });

  it('reports back, on resume after a crash, an action that was running when the process died, instead of running it again, then gives a resume notice', async () => {
    const repo = await createBuggyRepo();
    server = await startScriptedLlmServer(ECHO_LAST_RESULT);
    const store = await logCutOffAt('run-crashed', repo, 'echo once >> appended.txt', 'crashed');
    const { agent, workspace } = await startScriptedConversation({ provider: 'openai', server, repo, store });
    try {
      const resumed = await Conversation.resume({
        store,
        runId: 'run-crashed',
        agent,
        workspace,
        deps: { outputDir: path.join(repo, '..', 'out') },
        notice: { content: 'Your workspace was rebuilt.', sender: 'handsbot' },
      });
      expect(resumed.state).toMatchObject({
        status: 'running',
        pendingActions: [{ toolCallId: 'call_cut' }],
      });
      const state = await resumed.run();
      expect(state.finishMessage).toMatch(
        /^Action rejected: the run stopped unexpectedly while this action was running/,
      );
      expect(state.finishMessage).toContain('may or may not have taken effect');
      expect(existsSync(path.join(repo, 'appended.txt'))).toBe(false);
      // The notice comes after the cut-off call's answer, so the call and its result stay adjacent.
      const last = server.requests[0]?.openai?.messages.slice(-3) ?? [];
      expect(last.map((m) => m.role)).toEqual(['assistant', 'tool', 'user']);
      expect(last[2]?.content).toBe('Your workspace was rebuilt.');
    } finally {
      await workspace.close();
    }
  });

  it('stops for good when told to: the log ends Cancelled and running it again asks the model nothing', async () => {
    const repo = await createBuggyRepo();
    server = await startScriptedLlmServer([
      { toolCalls: [{ name: 'terminal', arguments: { command: 'echo one' } }] },
      { toolCalls: [{ name: 'finish', arguments: { message: 'done' } }] },
    ]);
    const store = createInMemoryEventStore();
    const { conversation, workspace } = await startScriptedConversation({
      provider: 'openai',
      server,
      repo,
      store,
    });
    try {
      const unsubscribe = conversation.subscribe((event) => {
        if (event.kind === 'observation') conversation.pause('stopping');
      });
      await conversation.run();
      unsubscribe();
      const stopped = await conversation.stop('stopped by @maintainer');
      expect(stopped).toMatchObject({
        status: 'error',
        error: { code: 'Cancelled', detail: 'stopped by @maintainer' },
      });
      expect((await conversation.run()).status).toBe('error');
      // Stopping twice records nothing more.
      const events = conversation.events().length;
      await conversation.stop('again');
      expect(conversation.events()).toHaveLength(events);
      expect(server.requests).toHaveLength(1);
    } finally {
      await workspace.close();
    }
  });

  it('pauses at the next step boundary when asked, and goes on from there', async () => {
    const repo = await createBuggyRepo();
    server = await startScriptedLlmServer([
      { toolCalls: [{ name: 'terminal', arguments: { command: 'echo one' } }] },
      { toolCalls: [{ name: 'finish', arguments: { message: 'done' } }] },
    ]);
    const { conversation, workspace } = await startScriptedConversation({
      provider: 'anthropic',
      server,
      repo,
      store: createInMemoryEventStore(),
    });
    try {
      const unsubscribe = conversation.subscribe((event) => {
        if (event.kind === 'observation') conversation.pause('maintainer asked');
      });
      const paused = await conversation.run();
      unsubscribe();
      expect(paused).toMatchObject({ status: 'paused', pauseReason: 'maintainer asked', iterations: 1 });
      expect((await conversation.run()).status).toBe('finished');
      expect(server.requests).toHaveLength(2);
    } finally {
      await workspace.close();
    }
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { createInMemoryEventStore } from '../../src/events/index.js';
import { createBuggyRepo } from '../support/fixture-repo.js';
import {
  type RecordedRequest,
  type ScriptedLlmServer,
  type ScriptedOutcome,
  startScriptedLlmServer,
} from '../support/scripted-llm/index.js';
import { startScriptedConversation } from './scripted-agent.js';

let server: ScriptedLlmServer | undefined;
afterEach(async () => {
  await server?.close();
});

const isReview = (request: RecordedRequest) =>
  (request.anthropic?.tools ?? []).some((tool) => 'name' in tool && tool.name === 'rate_action');

/** The agent runs `ls`; the reviewer model answers as `review` says. */
function script(review: (request: RecordedRequest) => ScriptedOutcome) {
  let agentSteps = 0;
  return (request: RecordedRequest): ScriptedOutcome => {
    if (isReview(request)) return review(request);
    agentSteps++;
    return agentSteps === 1
      ? {
          toolCalls: [{ name: 'terminal', arguments: { command: 'ls -la', security_risk: 'LOW' } }],
          usage: { inputTokens: 1000, outputTokens: 100 },
        }
      : { toolCalls: [{ name: 'finish', arguments: { message: 'done' } }] };
  };
}

async function run(review: (request: RecordedRequest) => ScriptedOutcome) {
  const repo = await createBuggyRepo();
  server = await startScriptedLlmServer(script(review));
  const started = await startScriptedConversation({
    provider: 'anthropic',
    server,
    repo,
    store: createInMemoryEventStore(),
    env: { HANDSBOT_SECURITY_LLM: 'true' },
  });
  try {
    return { state: await started.conversation.run(), server };
  } finally {
    await started.workspace.close();
  }
}

describe('the LLM security reviewer', () => {
  it('gates an action the reviewer rates HIGH, with its reason, and counts its call in the run cost', async () => {
    const { state, server } = await run(() => ({
      toolCalls: [{ name: 'rate_action', arguments: { risk: 'HIGH', reason: 'pretend this is dangerous' } }],
      usage: { inputTokens: 500, outputTokens: 20 },
    }));
    expect(state.status).toBe('waiting_for_confirmation');
    const [action] = state.pendingActions;
    expect(action?.verdict.risk).toBe('HIGH');
    expect(action?.verdict.reasons).toContainEqual({
      rule: 'llm-reviewer',
      match: 'pretend this is dangerous',
    });
    expect(state.metrics.llmCalls).toBe(2);
    expect(state.metrics.promptTokens).toBe(1500);
    // The reviewer saw the command as data inside a fenced block.
    const review = server.requests.find(isReview);
    expect(review?.raw).toMatch(/<action-[0-9a-f]{16}>[\s\S]*ls -la[\s\S]*<\/action-[0-9a-f]{16}>/);
  });

  it('lets a step through when the reviewer rates it LOW', async () => {
    const { state } = await run(() => ({
      toolCalls: [{ name: 'rate_action', arguments: { risk: 'LOW', reason: 'lists files' } }],
    }));
    expect(state.status).toBe('finished');
  });

  it('counts a reviewer that answers without rating as HIGH', async () => {
    const { state } = await run(() => ({ text: 'Looks fine to me!' }));
    expect(state.status).toBe('waiting_for_confirmation');
    expect(state.pendingActions[0]?.verdict.reasons.map((r) => r.rule)).toContain(
      'analyzer-failed:llm-reviewer',
    );
  });
});

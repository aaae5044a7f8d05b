import { describe, expect, it } from 'vitest';
import { buildLlmMessages } from '../../src/agent/build-llm-messages.js';
import { ConversationView } from '../../src/agent/conversation-view.js';
import type { NewEvent } from '../../src/events/index.js';
import { History } from './history.js';

const build = (h: History, legacy = false) =>
  buildLlmMessages(ConversationView.of(h.events).all(), {
    displayName: (name) => (legacy && name === 'terminal' ? 'execute_bash' : name),
  });

function action(callId: string, responseId: string, thought = ''): NewEvent {
  return {
    kind: 'action',
    source: 'agent',
    thought,
    toolName: 'terminal',
    toolCallId: callId,
    arguments: { command: `echo ${callId}` },
    securityRisk: 'LOW',
    verdict: { risk: 'LOW', reasons: [] },
    summary: `run ${callId}`,
    llmResponseId: responseId,
  };
}

function observation(callId: string): NewEvent {
  return {
    kind: 'observation',
    source: 'environment',
    actionId: 'x',
    toolCallId: callId,
    toolName: 'terminal',
    content: `out ${callId}`,
    isError: false,
    exitCode: 0,
    truncated: false,
  };
}

describe('buildLlmMessages', () => {
  it('shows the system prompt, the task, and each call followed by its result', () => {
    const h = new History().start().step('terminal', { command: 'ls' }, 'a.txt');
    expect(build(h)).toEqual([
      { role: 'system', content: 'You are a test agent.' },
      { role: 'user', content: 'Fix the bug.' },
      {
        role: 'assistant',
        content: '',
        toolCalls: [{ id: 'call_1', name: 'terminal', arguments: '{"command":"ls","security_risk":"LOW"}' }],
      },
      { role: 'tool', toolCallId: 'call_1', toolName: 'terminal', content: 'a.txt', isError: false },
    ]);
  });

  it('groups the parallel calls of one response into one assistant message with its thought', () => {
    const h = new History().start();
    h.add(action('c1', 'r1', 'Let me look.'), action('c2', 'r1'));
    h.add(observation('c1'), observation('c2'));
    const messages = build(h, true);
    expect(messages[2]).toMatchObject({
      role: 'assistant',
      content: 'Let me look.',
      toolCalls: [
        { id: 'c1', name: 'execute_bash' },
        { id: 'c2', name: 'execute_bash' },
      ],
    });
    expect(
      JSON.parse(
        (messages[2] as unknown as { toolCalls: { arguments: string }[] }).toolCalls[0]?.arguments ?? '',
      ),
    ).toEqual({
      command: 'echo c1',
      summary: 'run c1',
      security_risk: 'LOW',
    });
    expect(messages.slice(3).map((m) => m.role)).toEqual(['tool', 'tool']);
  });

  it('shows a bad tool call as the model wrote it, answered by its error', () => {
    const h = new History().start();
    h.add({
      kind: 'agent_error',
      source: 'agent',
      thought: 'hmm',
      toolCallId: 'bad1',
      toolName: 'bash',
      rawArguments: '{"cmd": ',
      error: 'Tool bash does not exist',
      llmResponseId: 'r1',
    });
    expect(build(h).slice(2)).toEqual([
      { role: 'assistant', content: 'hmm', toolCalls: [{ id: 'bad1', name: 'bash', arguments: '{"cmd": ' }] },
      {
        role: 'tool',
        toolCallId: 'bad1',
        toolName: 'bash',
        content: 'Tool bash does not exist',
        isError: true,
      },
    ]);
  });

  it('answers a rejected call with "Action rejected"', () => {
    const h = new History().start();
    h.add(action('c1', 'r1'));
    h.add({
      kind: 'user_reject',
      source: 'user',
      actionId: 'x',
      toolCallId: 'c1',
      reason: 'too risky',
      rejectedBy: 'user',
    });
    expect(build(h).at(-1)).toEqual({
      role: 'tool',
      toolCallId: 'c1',
      toolName: 'terminal',
      content: 'Action rejected: too risky',
      isError: true,
    });
  });

  it('leaves out a call that has no result yet, and a result whose call was condensed away', () => {
    const h = new History().start();
    const [a1] = h.add(action('c1', 'r1'));
    h.add(observation('c1'));
    h.add(action('c2', 'r2'));
    h.add({
      kind: 'condensation',
      source: 'environment',
      forgottenEventIds: [a1?.id ?? ''],
      summary: 'Listed files.',
      summaryOffset: 2,
    });
    const messages = build(h);
    expect(messages).toEqual([
      { role: 'system', content: 'You are a test agent.' },
      { role: 'user', content: 'Fix the bug.' },
      {
        role: 'user',
        content: 'Summary of the earlier part of this conversation, which was condensed:\nListed files.',
      },
    ]);
  });

  it('keeps only the latest summary after two condensations', () => {
    const h = new History().start();
    for (let i = 0; i < 3; i++) h.step('terminal', { command: `ls ${i}` }, `${i}`);
    const ids = (n: number) =>
      h.events
        .filter((e) => e.kind === 'action' || e.kind === 'observation')
        .slice(0, n)
        .map((e) => e.id);
    h.add({
      kind: 'condensation',
      source: 'environment',
      forgottenEventIds: ids(2),
      summary: 'first',
      summaryOffset: 2,
    });
    h.add({
      kind: 'condensation',
      source: 'environment',
      forgottenEventIds: ids(4),
      summary: 'second',
      summaryOffset: 2,
    });
    const contents = build(h).map((m) => m.content);
    expect(contents.filter((c) => c.includes('condensed'))).toHaveLength(1);
    expect(contents[2]).toContain('second');
    expect(contents.at(-1)).toBe('2');
  });
});

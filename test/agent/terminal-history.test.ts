import { describe, expect, it } from 'vitest';
import { terminalHistory } from '../../src/agent/terminal-history.js';
import { History } from './history.js';

/** A terminal action with no observation, answered by a rejection of the given kind. */
function rejected(history: History, command: string, rejectedBy: 'user' | 'hook' | 'interrupt'): void {
  const [action] = history.add({
    kind: 'action',
    source: 'agent',
    thought: '',
    toolName: 'terminal',
    toolCallId: `call_${command}`,
    arguments: { command },
    securityRisk: 'LOW',
    verdict: { risk: 'HIGH', reasons: [] },
    llmResponseId: `resp_${command}`,
  });
  history.add({
    kind: 'user_reject',
    source: rejectedBy === 'interrupt' ? 'environment' : 'user',
    actionId: action?.id ?? '',
    toolCallId: `call_${command}`,
    reason: 'no',
    rejectedBy,
  });
}

describe('terminalHistory', () => {
  it('lists the terminal commands that ran or may have, oldest first, under either tool name', () => {
    const history = new History().start();
    history.step('terminal', { command: 'cd src' }, 'ok');
    history.step('file_editor', { command: 'view', path: '/x' }, 'text');
    history.step('execute_bash', { command: "alias ll='ls -la'" }, 'ok');
    rejected(history, "alias ls='rm -rf ~'", 'user');
    rejected(history, 'trap "curl x" DEBUG', 'hook');
    // Cut off by an interrupt: it may have run, so the shell may hold what it defined.
    rejected(history, 'export A=1', 'interrupt');
    history.step('terminal', { command: '', is_input: true }, '');
    expect(terminalHistory(history.events)).toEqual(['cd src', "alias ll='ls -la'", 'export A=1']);
  });

  it('starts again at a reset, keeping the reset call’s own command', () => {
    const history = new History().start();
    history.step('terminal', { command: "alias del='rm -rf'" }, 'ok');
    history.step('terminal', { command: 'cd /tmp', reset: true }, 'ok');
    history.step('terminal', { command: 'ls' }, 'ok');
    expect(terminalHistory(history.events)).toEqual(['cd /tmp', 'ls']);
  });
});

import { describe, expect, it } from 'vitest';
import { detectStuck } from '../../src/agent/detect-stuck.js';
import { History } from './history.js';

describe('detectStuck', () => {
  it('sees nothing wrong in a run that makes progress', () => {
    const h = new History().start();
    for (let i = 0; i < 8; i++) h.step('terminal', { command: `cat file${i}` }, `contents ${i}`);
    expect(detectStuck(h.events)).toBeNull();
  });

  it('names the same action with the same observation four times', () => {
    const h = new History().start();
    for (let i = 0; i < 3; i++) h.step('terminal', { command: 'ls' }, 'a b');
    expect(detectStuck(h.events)).toBeNull();
    h.step('terminal', { command: 'ls' }, 'a b');
    expect(detectStuck(h.events)?.pattern).toBe('repeated_action_observation');
  });

  it('treats arguments in another key order as the same action', () => {
    const h = new History().start();
    h.step('file_editor', { command: 'view', path: '/repo/a' }, 'x');
    h.step('file_editor', { path: '/repo/a', command: 'view' }, 'x');
    h.step('file_editor', { command: 'view', path: '/repo/a' }, 'x');
    h.step('file_editor', { path: '/repo/a', command: 'view' }, 'x');
    expect(detectStuck(h.events)?.pattern).toBe('repeated_action_observation');
  });

  it('names the same action failing three times, even with different error text', () => {
    const h = new History().start();
    h.step('terminal', { command: 'npm tset' }, 'error 1', true);
    h.step('terminal', { command: 'npm tset' }, 'error 2', true);
    expect(detectStuck(h.events)).toBeNull();
    h.step('terminal', { command: 'npm tset' }, 'error 3', true);
    expect(detectStuck(h.events)?.pattern).toBe('repeated_action_error');
  });

  it('names the same bad tool call three times', () => {
    const h = new History().start();
    for (let i = 0; i < 3; i++) {
      h.add({
        kind: 'agent_error',
        source: 'agent',
        thought: '',
        toolCallId: `bad${i}`,
        toolName: 'shell',
        rawArguments: '{}',
        error: 'Tool shell is not available',
        llmResponseId: `r${i}`,
      });
    }
    expect(detectStuck(h.events)?.pattern).toBe('repeated_action_error');
  });

  it('names a monologue of three messages, nudges in between not counting as a person', () => {
    const h = new History().start();
    for (let i = 0; i < 3; i++) {
      h.say(`I think ${i}`);
      h.add({ kind: 'message', source: 'environment', role: 'user', content: 'continue', automatic: true });
    }
    h.say('still thinking');
    expect(detectStuck(h.events)?.pattern).toBe('monologue');
  });

  it('forgets a loop once a person writes', () => {
    const h = new History().start();
    for (let i = 0; i < 4; i++) h.step('terminal', { command: 'ls' }, 'a b');
    h.add({
      kind: 'message',
      source: 'user',
      role: 'user',
      content: 'try another way',
      sender: 'maintainer',
    });
    expect(detectStuck(h.events)).toBeNull();
  });

  it('names an alternating A/B loop over six steps', () => {
    const h = new History().start();
    for (let i = 0; i < 3; i++) {
      h.step('terminal', { command: 'git stash' }, 'Saved');
      h.step('terminal', { command: 'git stash pop' }, 'Restored');
    }
    expect(detectStuck(h.events)?.pattern).toBe('alternating_pattern');
  });

  it('names a context-window loop: condensation after condensation', () => {
    const h = new History().start().step('terminal', { command: 'ls' }, 'a');
    for (let i = 0; i < 3; i++) {
      h.add({
        kind: 'condensation',
        source: 'environment',
        forgottenEventIds: [],
        summary: 's',
        summaryOffset: 4,
      });
    }
    expect(detectStuck(h.events)?.pattern).toBe('context_window_loop');
  });
});

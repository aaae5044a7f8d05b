import { describe, expect, it } from 'vitest';
import { planCondensation } from '../../src/agent/condenser.js';
import { ConversationView } from '../../src/agent/conversation-view.js';
import { History } from './history.js';

const settings = { maxViewEvents: 10, keepFirst: 2, maxPromptTokens: 5_000 };

describe('planCondensation', () => {
  it('does nothing while the view is small and the prompt fits', () => {
    const h = new History().start().step('terminal', { command: 'ls' }, 'a');
    expect(planCondensation(ConversationView.of(h.events).all(), settings, 100)).toBeNull();
  });

  it('forgets the older half after the first events when the view grows too long', () => {
    const h = new History().start();
    for (let i = 0; i < 6; i++) h.step('terminal', { command: `ls ${i}` }, `${i}`);
    const view = ConversationView.of(h.events).all(); // 2 + 12 items
    const plan = planCondensation(view, settings, 100);
    expect(plan?.keepFirst).toBe(2);
    expect(plan?.forgotten.map((i) => i.kind)).toEqual(Array(3).fill(['action', 'observation']).flat());
    expect(plan?.forgotten[0]).toBe(view[2]);
  });

  it('never separates a call from its result', () => {
    const h = new History().start();
    for (let i = 0; i < 5; i++) h.step('terminal', { command: `ls ${i}` }, `${i}`);
    const view = ConversationView.of(h.events).all(); // 2 + 10: the half would end on an action
    const plan = planCondensation(view, { ...settings, maxViewEvents: 5 }, 100);
    const last = plan?.forgotten.at(-1);
    expect(last?.kind).toBe('observation');
  });

  it('condenses when the last prompt used more tokens than allowed, or when forced', () => {
    const h = new History()
      .start()
      .step('terminal', { command: 'ls' }, 'a')
      .step('terminal', { command: 'pwd' }, '/');
    const view = ConversationView.of(h.events).all();
    expect(planCondensation(view, settings, 6_000)).not.toBeNull();
    expect(planCondensation(view, { ...settings, maxPromptTokens: null }, 0, true)).not.toBeNull();
  });
});

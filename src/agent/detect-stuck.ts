import type { RunEvent } from '../events/event.js';

export type StuckPattern =
  | 'repeated_action_observation'
  | 'repeated_action_error'
  | 'monologue'
  | 'alternating_pattern'
  | 'context_window_loop';

export interface StuckVerdict {
  pattern: StuckPattern;
  detail: string;
}

/** How many recent events the detector looks at, as in the OpenHands SDK. */
const WINDOW = 20;

interface Step {
  /** Tool name and canonical arguments: two steps with the same key did the same thing. */
  key: string;
  result: string;
  isError: boolean;
}

/**
 * Looks at the recent events since the last message from a person and names the loop the agent is in,
 * if any (the OpenHands SDK's patterns and thresholds). Only the tail is read, so it costs the same on
 * long runs.
 */
export function detectStuck(events: readonly RunEvent[]): StuckVerdict | null {
  const tail = recentEvents(events);
  const steps = stepsOf(tail);
  return (
    contextWindowLoop(events) ??
    repeatedActionObservation(steps) ??
    repeatedActionError(steps) ??
    monologue(tail) ??
    alternating(steps)
  );
}

function recentEvents(events: readonly RunEvent[]): RunEvent[] {
  const tail: RunEvent[] = [];
  for (let i = events.length - 1; i >= 0 && tail.length < WINDOW; i--) {
    const event = events[i];
    if (!event) continue;
    if (event.kind === 'message' && event.role === 'user' && !event.automatic) break;
    if (event.kind === 'state_update' || event.kind === 'pause') continue;
    tail.unshift(event);
  }
  return tail;
}

function stepsOf(tail: readonly RunEvent[]): Step[] {
  const actions = new Map<string, string>();
  const steps: Step[] = [];
  for (const event of tail) {
    switch (event.kind) {
      case 'action':
        actions.set(event.toolCallId, `${event.toolName} ${canonicalJson(event.arguments)}`);
        break;
      case 'observation': {
        const key = actions.get(event.toolCallId);
        if (key !== undefined) steps.push({ key, result: event.content, isError: event.isError });
        break;
      }
      case 'agent_error':
        steps.push({ key: `${event.toolName} ${event.rawArguments}`, result: event.error, isError: true });
        break;
      default:
        break;
    }
  }
  return steps;
}

function lastN<T>(items: readonly T[], n: number): T[] | null {
  return items.length >= n ? items.slice(items.length - n) : null;
}

function repeatedActionObservation(steps: Step[]): StuckVerdict | null {
  const last = lastN(steps, 4);
  if (!last) return null;
  const [first] = last;
  if (!first || !last.every((s) => s.key === first.key && s.result === first.result)) return null;
  return {
    pattern: 'repeated_action_observation',
    detail: `the same action gave the same result 4 times in a row: ${clip(first.key)}`,
  };
}

function repeatedActionError(steps: Step[]): StuckVerdict | null {
  const last = lastN(steps, 3);
  if (!last) return null;
  const [first] = last;
  if (!first || !last.every((s) => s.key === first.key && s.isError)) return null;
  return {
    pattern: 'repeated_action_error',
    detail: `the same action failed 3 times in a row: ${clip(first.key)}`,
  };
}

function monologue(tail: readonly RunEvent[]): StuckVerdict | null {
  let count = 0;
  for (let i = tail.length - 1; i >= 0; i--) {
    const event = tail[i];
    if (event?.kind !== 'message') break;
    if (event.role === 'assistant') count++;
  }
  if (count < 3) return null;
  return { pattern: 'monologue', detail: `${count} messages in a row without any action` };
}

function alternating(steps: Step[]): StuckVerdict | null {
  const last = lastN(steps, 6);
  if (!last) return null;
  const [a, b] = last;
  if (!a || !b || a.key === b.key) return null;
  const alternates = last.every((s, i) => {
    const expected = i % 2 === 0 ? a : b;
    return s.key === expected.key && s.result === expected.result;
  });
  if (!alternates) return null;
  return {
    pattern: 'alternating_pattern',
    detail: `alternating between two actions 6 times: ${clip(a.key)} / ${clip(b.key)}`,
  };
}

/** Condensing again and again with nothing in between: the context cannot be made to fit. */
function contextWindowLoop(events: readonly RunEvent[]): StuckVerdict | null {
  let count = 0;
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i];
    if (!event) break;
    if (event.kind === 'state_update') continue;
    if (event.kind !== 'condensation') break;
    count++;
  }
  if (count < 3) return null;
  return { pattern: 'context_window_loop', detail: `${count} condensations in a row without progress` };
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

function clip(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

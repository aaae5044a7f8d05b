import type { RunEvent } from '../events/event.js';

/** The terminal tool under its current and legacy OpenHands names. */
const TERMINAL_TOOLS = new Set(['terminal', 'execute_bash']);

/** One terminal call as the history needs it: what it typed, and whether it restarted the shell. */
export interface TerminalCall {
  readonly command: string;
  readonly reset: boolean;
}

/** The terminal call an action (or a tool call about to become one) makes, if it is one. */
export function terminalCall(toolName: string, args: Readonly<Record<string, unknown>>): TerminalCall | null {
  if (!TERMINAL_TOOLS.has(toolName) || typeof args.command !== 'string') return null;
  return { command: args.command, reset: args.reset === true };
}

/**
 * The commands the agent's persistent shell has run since its last reset, oldest first, from the run's
 * log (the only truth, so a resumed run rates its next command the same). A call a person or a hook
 * rejected never ran; one cut off by an interrupt or a crash may have, so it counts.
 */
export function terminalHistory(events: readonly RunEvent[]): string[] {
  const neverRan = new Set(
    events.flatMap((e) => (e.kind === 'user_reject' && e.rejectedBy !== 'interrupt' ? [e.actionId] : [])),
  );
  const calls: TerminalCall[] = [];
  for (const event of events) {
    if (event.kind !== 'action' || neverRan.has(event.id)) continue;
    const call = terminalCall(event.toolName, event.arguments);
    if (call !== null) calls.push(call);
  }
  return appendCalls([], calls);
}

/** The history after `calls` run in order: a reset starts a fresh shell before its own command. */
export function appendCalls(history: readonly string[], calls: readonly TerminalCall[]): string[] {
  let result = [...history];
  for (const call of calls) {
    if (call.reset) result = [];
    if (call.command.trim() !== '') result.push(call.command);
  }
  return result;
}

import type { RunState } from '../agent/run-state.js';
import type { RunEvent } from '../events/event.js';

const MAX_LINES = 12;

/** One event as a few readable lines for the terminal; null for events a person needn't see. */
export function renderEvent(event: RunEvent): string | null {
  switch (event.kind) {
    case 'run_started':
      return `▶ run ${event.runId} in ${event.settings.workspace.root} (${event.settings.workspace.kind} workspace, model ${event.settings.modelProfile})`;
    case 'system_prompt':
      return null;
    case 'message':
      if (event.role === 'user') return `${event.automatic ? '↻' : '👤'} ${clipLines(event.content, 4)}`;
      return `💬 ${clipLines(event.content, MAX_LINES)}`;
    case 'action': {
      const thought = event.thought ? `💭 ${clipLines(event.thought, 4)}\n` : '';
      const risk = event.verdict.risk === 'LOW' ? '' : ` [risk ${event.verdict.risk}]`;
      return `${thought}⚙ ${event.toolName}${risk} ${describeArguments(event.toolName, event.arguments)}`;
    }
    case 'observation': {
      const code = event.exitCode === null ? '' : ` (exit ${event.exitCode})`;
      const mark = event.isError ? '✗' : '✓';
      return indent(`${mark}${code} ${clipLines(event.content, MAX_LINES)}`);
    }
    case 'agent_error':
      return indent(`✗ bad tool call ${event.toolName}: ${clipLines(event.error, 4)}`);
    case 'user_reject':
      return indent(`⛔ rejected: ${event.reason}`);
    case 'condensation':
      return `🗜 condensed ${event.forgottenEventIds.length} events into a summary`;
    case 'pause':
      return `⏸ paused: ${event.reason}`;
    case 'state_update':
      return event.status === 'waiting_for_confirmation' ? '⏳ waiting for confirmation' : null;
    case 'conversation_error':
      return `■ ${event.code}: ${event.detail}`;
    case 'finish':
      return `✔ finished: ${clipLines(event.message, MAX_LINES)}`;
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}

/** The status line: where the run is and what it has cost so far. */
export function renderProgress(state: RunState): string {
  const m = state.metrics;
  return `[${state.status}] step ${state.iterations}${state.settings ? `/${state.settings.maxIterations}` : ''} · ${m.promptTokens + m.completionTokens} tokens · $${m.costUsd.toFixed(4)}`;
}

function describeArguments(toolName: string, args: Record<string, unknown>): string {
  const command = args.command;
  if (toolName === 'terminal' && typeof command === 'string') return `$ ${clipLines(command, 3)}`;
  if (toolName === 'file_editor') return `${String(command)} ${String(args.path ?? '')}`;
  if (toolName === 'think') return '';
  if (toolName === 'finish') return '';
  if (toolName === 'task_tracker') return String(command);
  return clipLines(JSON.stringify(args), 2);
}

function clipLines(text: string, max: number): string {
  const lines = text.trimEnd().split('\n');
  if (lines.length <= max) return lines.join('\n');
  return [...lines.slice(0, max), `… (${lines.length - max} more lines)`].join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

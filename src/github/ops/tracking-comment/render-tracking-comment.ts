import { type RunState, TERMINAL_STATUSES } from '../../../agent/run-state.js';
import type { ActionEvent, RunEvent } from '../../../events/event.js';
import { neutralizeAgentMarkdown } from '../../../security/markdown/neutralize-agent-markdown.js';
import type { Redact } from '../../../security/redactor.js';
import { inlineCode } from '../markdown/inline-code.js';
import { type CommandRun, summarizeRunEvents } from '../summarize-run-events.js';
import { trackingMarker } from './tracking-marker.js';

export interface RenderTrackingCommentOptions {
  readonly runId: string;
  readonly targetKey: string;
  readonly redact: Redact;
  /** Hosts the agent's links and images may point at: the repository's GitHub web host. */
  readonly allowedHosts: readonly string[];
  /** A page where the run can be followed, when the installation has one. */
  readonly runUrl?: string;
  /** How many of the latest commands to list. */
  readonly maxCommands?: number;
  /** The worker's own list of changed files (from the diff), which sees shell edits too. */
  readonly changedFiles?: readonly string[];
  /** Short notes to show, e.g. a second trigger acknowledged while this run is active. */
  readonly notes?: readonly string[];
  /** The final outcome, already rendered by `renderOutcome`. */
  readonly outcome?: string;
}

/** GitHub refuses comments over 65,536 characters; stay well under with room for the redactor. */
const MAX_CHARS = 60_000;

/**
 * The body of the one comment a run keeps up to date. Pure: the same state and events give the same
 * text, so an unchanged render costs no edit. Everything shown is redacted; agent-written text is
 * neutralised (no mentions, no closing keywords, no hidden comments) and commands are inline code.
 */
export function renderTrackingComment(
  state: RunState,
  events: readonly RunEvent[],
  options: RenderTrackingCommentOptions,
): string {
  const summary = summarizeRunEvents(events);
  const maxCommands = options.maxCommands ?? 8;
  const lines: string[] = [trackingMarker(options.runId, options.targetKey), `### ${headline(state)}`];
  const follow = options.runUrl ? ` · [follow the run](${options.runUrl})` : '';
  lines.push(`Run ${inlineCode(options.runId)}${follow}`);
  const neutralize = (text: string) => neutralizeAgentMarkdown(text, options);
  // Joined into one line before neutralising: joining after could turn code back into Markdown.
  for (const note of options.notes ?? []) lines.push(`> ${neutralize(note.replace(/\n/g, ' '))}`);

  if (state.tasks.length > 0) {
    lines.push('', '**Plan**');
    for (const task of state.tasks) {
      const mark = task.status === 'done' ? '✅' : task.status === 'in_progress' ? '🔄' : '⬜';
      lines.push(`- ${mark} ${neutralize(oneLine(task.title))}`);
    }
  }
  if (summary.commands.length > 0) {
    const shown = summary.commands.slice(-maxCommands);
    const of =
      shown.length < summary.commands.length ? ` (last ${shown.length} of ${summary.commands.length})` : '';
    lines.push('', `**Commands**${of}`, ...shown.map((c) => `- ${inlineCode(c.command)} ${exit(c)}`));
  }
  const files = options.changedFiles ?? summary.filesChanged;
  if (files.length > 0) {
    const listed = files.slice(0, 30).map((f) => inlineCode(f, 120));
    const more = files.length > listed.length ? ` and ${files.length - listed.length} more` : '';
    lines.push('', `**Files changed** (${files.length}): ${listed.join(', ')}${more}`);
  }
  if (summary.tests.length > 0) {
    const tests = summary.tests.slice(-5).map((t) => `${inlineCode(t.command, 80)} ${exit(t)}`);
    lines.push('', `**Tests run**: ${tests.join(', ')}`);
  }
  if (state.status === 'waiting_for_confirmation' && state.pendingActions.length > 0) {
    lines.push('', '**Waiting for approval**');
    for (const action of state.pendingActions) lines.push(...describeGated(action));
    lines.push(
      '',
      'A maintainer can reply `/agent approve` to run it, or `/agent reject [reason]` to refuse it (the agent is told the reason and carries on).',
    );
  }
  lines.push('', costLine(state));
  if (options.outcome) lines.push('', options.outcome);
  else if (state.status === 'finished' && state.finishMessage) {
    lines.push('', '**Summary**', neutralize(state.finishMessage));
  }
  const body = options.redact(lines.join('\n'));
  return body.length > MAX_CHARS ? `${body.slice(0, MAX_CHARS)}\n\n…(cut)` : body;
}

function headline(state: RunState): string {
  switch (state.status) {
    case 'idle':
    case 'running':
      return '⏳ handsbot is working on it';
    case 'paused':
      return '⏸️ handsbot has paused';
    case 'waiting_for_confirmation':
      return '✋ handsbot is waiting for approval';
    case 'finished':
      return '✅ handsbot has finished';
    case 'stuck':
      return '⚠️ handsbot got stuck';
    case 'error':
      return state.error?.code === 'Cancelled' ? '⏹️ handsbot was stopped' : '❌ handsbot stopped';
    default: {
      const unreachable: never = state.status;
      return unreachable;
    }
  }
}

function exit(c: CommandRun): string {
  if (c.exitCode === 'rejected') return '→ rejected';
  if (c.exitCode === null) return '→ …';
  return c.exitCode === 0 ? '→ exit 0' : `→ **exit ${c.exitCode}**`;
}

function describeGated(action: ActionEvent): string[] {
  const { command, path } = action.arguments;
  const what =
    typeof command === 'string' && typeof path === 'string'
      ? `${action.toolName} ${command} ${path}`
      : typeof command === 'string'
        ? command
        : `${action.toolName} ${JSON.stringify(action.arguments)}`;
  const lines = [`- ${inlineCode(what, 300)} — risk **${action.verdict.risk}**`];
  for (const reason of action.verdict.reasons.slice(0, 5)) {
    lines.push(`  - ${inlineCode(reason.rule, 60)}: ${inlineCode(reason.match, 120)}`);
  }
  return lines;
}

function costLine(state: RunState): string {
  const cost = `$${state.metrics.costUsd.toFixed(state.metrics.costUsd < 1 ? 4 : 2)}`;
  const steps = `${state.iterations} step${state.iterations === 1 ? '' : 's'}`;
  const when = TERMINAL_STATUSES.has(state.status) ? 'in all' : 'so far';
  return `<sub>${steps} · ${cost} ${when}</sub>`;
}

/** One line of at most 200 characters, cut before it is neutralised (a cut could open a code span). */
function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

import type { AgentScenario } from '../e2e/support/agent-script.js';
import {
  lastToolResult,
  type RecordedRequest,
  type ScriptedOutcome,
  type ScriptedTurn,
} from '../support/scripted-llm/index.js';

/** One exchange with the scripted model as the demo tells it. */
export interface NarratedTurn {
  /** 1-based, over every request the LLM server received. */
  readonly request: number;
  /** What the last tool call printed in the sandbox, as the worker sent it back (absent on the first turn). */
  readonly toolResult?: string;
  /** What the script answered: the tool call the worker runs next. */
  readonly answer: string;
}

/**
 * The same scenario, reporting each answer as it is given. The LLM server records requests but not its
 * answers, and the last answer (`finish`) is never echoed back in a later request, so the demo learns
 * what the "model" said here, where it is said.
 */
export function narrated(scenario: AgentScenario, onTurn: (turn: NarratedTurn) => void): AgentScenario {
  const tell =
    (turn: ScriptedTurn): ScriptedTurn =>
    (request: RecordedRequest) => {
      const outcome = typeof turn === 'function' ? turn(request) : turn;
      const result = lastToolResult(request);
      onTurn({
        request: request.index + 1,
        ...(result ? { toolResult: summariseToolOutput(result.content) } : {}),
        answer: describe(outcome),
      });
      return outcome;
    };
  return { ...scenario, steps: scenario.steps.map(tell) };
}

function describe(outcome: ScriptedOutcome): string {
  if ('fault' in outcome) return `a ${outcome.fault} fault`;
  const calls = (outcome.toolCalls ?? []).map((call) => {
    const args = typeof call.arguments === 'string' ? {} : call.arguments;
    const what = args.command ?? args.message;
    return typeof what === 'string' ? `${call.name}: ${what}` : call.name;
  });
  return [...calls, ...(outcome.text ? [JSON.stringify(outcome.text)] : [])].join(', ') || '(nothing)';
}

/**
 * A terminal observation in one line: its exit code and the line that says most (an error's message
 * with its detail, else the first line). The workspace appends `[Current working directory: …]` and
 * `[Command finished with exit code N]`; the code is kept, the rest of that bookkeeping dropped.
 */
export function summariseToolOutput(content: string, max = 110): string {
  const exit = /\[Command finished with exit code (-?\d+)\]/.exec(content)?.[1];
  const lines = content
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^\[.*\]$/.test(l));
  const errorAt = lines.findIndex((l) => /^\w*Error\b/.test(l));
  let said = errorAt >= 0 ? (lines[errorAt] ?? '') : (lines[0] ?? '(no output)');
  // Node's assertion messages end in ':' and put the values on the next line.
  if (errorAt >= 0 && said.endsWith(':') && lines[errorAt + 1]) said += ` ${lines[errorAt + 1]}`;
  if (said.length > max) said = `${said.slice(0, max - 1)}…`;
  return exit === undefined ? said : `exit ${exit} · ${said}`;
}

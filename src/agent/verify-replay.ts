import type { ActionEvent, ObservationEvent, RunEvent } from '../events/event.js';
import type { Workspace } from '../workspace/workspace.js';
import type { AgentToolbox } from './agent-spec.js';
import { executeAction } from './execute-action.js';
import { initialRunState, reduceRunState } from './run-state.js';

export interface ReplayDifference {
  action: ActionEvent;
  expected: ObservationEvent;
  actual: { content: string; exitCode: number | null; isError: boolean };
}

export interface ReplayReport {
  /** Actions re-executed before the first difference (or all of them). */
  executed: number;
  difference: ReplayDifference | null;
}

/**
 * Deterministic replay: re-executes every recorded action, in order, in a fresh workspace, with the
 * LLM's answers taken from the log (no model is called), and stops at the first observation that
 * differs from the recorded one. Rejected and unfinished actions were never executed and are skipped.
 * Paths under the original workspace root are mapped onto the fresh one, both ways.
 */
export async function verifyReplay(
  events: readonly RunEvent[],
  tools: AgentToolbox,
  workspace: Workspace,
  options: { originalRoot: string; outputDir: string; signal?: AbortSignal },
): Promise<ReplayReport> {
  const observations = new Map<string, ObservationEvent>();
  for (const event of events) if (event.kind === 'observation') observations.set(event.actionId, event);
  const scratch = new Map<string, unknown>();
  const toFresh = (text: string) => text.split(options.originalRoot).join(workspace.root);
  const toOriginal = (text: string) => text.split(workspace.root).join(options.originalRoot);
  let executed = 0;
  // The recorded state as of each action: the task tracker's `view` must see the list it saw then.
  let recorded = initialRunState(events[0]?.runId ?? '');
  for (const event of events) {
    recorded = reduceRunState(recorded, event);
    if (event.kind !== 'action') continue;
    const expected = observations.get(event.id);
    if (!expected) continue;
    const action = { ...event, arguments: mapStrings(event.arguments, toFresh) };
    const [observation] = await executeAction(action, tools, {
      workspace,
      signal: options.signal ?? new AbortController().signal,
      runId: event.runId,
      outputDir: options.outputDir,
      scratch,
      tasks: recorded.tasks,
    });
    executed++;
    if (observation?.kind !== 'observation') continue;
    const content = toOriginal(observation.content);
    if (
      content !== expected.content ||
      observation.exitCode !== expected.exitCode ||
      observation.isError !== expected.isError
    ) {
      return {
        executed,
        difference: {
          action: event,
          expected,
          actual: { content, exitCode: observation.exitCode, isError: observation.isError },
        },
      };
    }
  }
  return { executed, difference: null };
}

function mapStrings(value: Record<string, unknown>, map: (s: string) => string): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [key, typeof v === 'string' ? map(v) : v]),
  );
}

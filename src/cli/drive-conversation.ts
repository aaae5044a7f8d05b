import { createInterface } from 'node:readline/promises';
import type { Conversation } from '../agent/conversation.js';
import type { RunState } from '../agent/run-state.js';
import { renderEvent, renderProgress } from './render-event.js';

export interface DriveOptions {
  /** Approve every gated action without asking (for scripts). */
  yes: boolean;
  /** Whether a person can be asked on this terminal. */
  interactive: boolean;
  stdout: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
}

/**
 * Runs a conversation in the terminal: prints each event as it lands, asks about gated actions, and
 * turns Ctrl-C into a clean interrupt that leaves the run resumable. Returns the process exit code.
 */
export async function driveConversation(conversation: Conversation, options: DriveOptions): Promise<number> {
  const out = options.stdout;
  const unsubscribe = conversation.subscribe((event, state) => {
    const line = renderEvent(event);
    if (line !== null) out.write(`${line}\n`);
    if (event.kind === 'observation' || event.kind === 'agent_error') out.write(`${renderProgress(state)}\n`);
  });
  const controller = new AbortController();
  const onSigint = () => {
    out.write('\n⏸ interrupting: the current step stops and the run stays resumable\n');
    controller.abort(new Error('interrupted from the terminal'));
  };
  process.once('SIGINT', onSigint);
  try {
    let state = await conversation.run(controller.signal);
    while (state.status === 'waiting_for_confirmation') {
      const decision = await askForDecision(state, options);
      if (decision === null) break;
      await conversation.decide(decision);
      state = await conversation.run(controller.signal);
    }
    return report(conversation, state, out);
  } finally {
    process.off('SIGINT', onSigint);
    unsubscribe();
  }
}

async function askForDecision(state: RunState, options: DriveOptions) {
  if (options.yes) return { approve: true as const, by: 'cli --yes' };
  if (!options.interactive) return null;
  const rl = createInterface({ input: options.stdin, output: options.stdout });
  try {
    for (const action of state.pendingActions) {
      const reasons = action.verdict.reasons.map((r) => `${r.rule}: ${r.match}`).join('; ');
      options.stdout.write(
        `\n⚠ ${action.toolName} ${JSON.stringify(action.arguments)}\n  risk ${action.verdict.risk}${reasons ? ` (${reasons})` : ''}\n`,
      );
    }
    const answer = (await rl.question('Run these actions? [y/N, or a reason to reject] ')).trim();
    if (/^y(es)?$/i.test(answer)) return { approve: true as const, by: 'terminal' };
    return {
      approve: false as const,
      by: 'terminal',
      reason: answer && !/^no?$/i.test(answer) ? answer : 'rejected at the terminal',
    };
  } finally {
    rl.close();
  }
}

function report(conversation: Conversation, state: RunState, out: NodeJS.WritableStream): number {
  const m = state.metrics;
  out.write(
    `\n${state.status}: ${state.iterations} steps, ${m.llmCalls} LLM calls, ${m.promptTokens} prompt + ${m.completionTokens} completion tokens, $${m.costUsd.toFixed(4)}\n`,
  );
  switch (state.status) {
    case 'finished':
      return 0;
    case 'waiting_for_confirmation':
    case 'paused':
      out.write(
        `The run is ${state.status.replaceAll('_', ' ')}. Continue it with: handsbot resume ${conversation.runId}\n`,
      );
      return state.status === 'paused' ? 130 : 3;
    default:
      out.write(`Reason: ${state.error ? `${state.error.code}: ${state.error.detail}` : state.status}\n`);
      return 1;
  }
}

import type {
  RecordedRequest,
  Script,
  ScriptedOutcome,
  ScriptedReply,
  ScriptedTurn,
} from '../../support/scripted-llm/index.js';

/**
 * What the scripted model does in one kind of run. The end-to-end environment runs many runs against
 * one LLM server, concurrently and across worker restarts, so turns are not consumed in arrival
 * order: each request is routed by its task message to a scenario, and the scenario's step is the
 * number of assistant turns the request already carries. A run resumed by another worker therefore
 * gets exactly the turn it would have got.
 */
export interface AgentScenario {
  readonly name: string;
  /** Chosen for a run whose task message (the first user message) contains this text. */
  readonly whenTaskContains: string;
  readonly steps: readonly ScriptedTurn[];
}

/** Scenarios are tried in order: put the more specific ones first. */
export function routeByTask(scenarios: readonly AgentScenario[]): Script {
  return (request) => {
    const task = taskMessage(request);
    const scenario = scenarios.find((s) => task.includes(s.whenTaskContains));
    if (!scenario) {
      return {
        fault: 'http',
        status: 400,
        message: `no scripted scenario for this task: ${task.slice(0, 200)}`,
      };
    }
    const turn = scenario.steps[assistantTurns(request)];
    if (turn === undefined) {
      return { fault: 'http', status: 400, message: `scenario ${scenario.name} has no more steps` };
    }
    return typeof turn === 'function' ? turn(request) : turn;
  };
}

/** The run's task: the first user message, in either wire format. */
export function taskMessage(request: RecordedRequest): string {
  const openai = request.openai?.messages.find((m) => m.role === 'user');
  if (openai) return textOf(openai.content);
  const anthropic = request.anthropic?.messages.find((m) => m.role === 'user');
  return anthropic ? textOf(anthropic.content) : '';
}

/** How many runs asked the model their first question with a task containing `text`. */
export function runsStarted(requests: readonly RecordedRequest[], text: string): number {
  return requests.filter((r) => assistantTurns(r) === 0 && taskMessage(r).includes(text)).length;
}

export function assistantTurns(request: RecordedRequest): number {
  const messages: readonly { role: string }[] = request.openai?.messages ?? request.anthropic?.messages ?? [];
  return messages.filter((m) => m.role === 'assistant').length;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part: { text?: unknown }) => (typeof part.text === 'string' ? part.text : '')).join('');
}

export function terminal(command: string, risk: 'LOW' | 'MEDIUM' | 'HIGH' = 'LOW'): ScriptedReply {
  return { toolCalls: [{ name: 'terminal', arguments: { command, security_risk: risk } }] };
}

export function finish(message: string): ScriptedReply {
  return { toolCalls: [{ name: 'finish', arguments: { message } }] };
}

/** A turn that answers according to the task message (e.g. naming the review threads it lists). */
export function fromTask(reply: (task: string) => ScriptedOutcome): ScriptedTurn {
  return (request) => reply(taskMessage(request));
}

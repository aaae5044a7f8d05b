import type { LlmCallMetrics, ToolSpec } from '../../src/events/index.js';
import type { ChatMessage, LlmClient, LlmRequest, LlmResponse } from '../../src/llm/types.js';
import type { Ledger, StepMark } from './ledger.js';

/** Sample prices (USD per million tokens) so the recorded cost looks like a real run's. */
const INPUT_PRICE = 3;
const OUTPUT_PRICE = 15;

const SUMMARY = `USER_CONTEXT: make the bench's no-op tool report ok on every step.
COMPLETED: called noop repeatedly with a new command each time; every call returned ok.
PENDING: keep calling noop until stopped.
CODE_STATE: nothing changed on disk.
TESTS: none run.
CHANGES: none.`;

export interface ScriptedLlm {
  client: LlmClient;
  /** Estimated prompt tokens of each agent call, in order. */
  readonly agentPromptTokens: number[];
  /** Estimated prompt tokens of each condenser call, in order. */
  readonly condenserPromptTokens: number[];
  /** One mark per agent call, taken as the call starts. */
  readonly marks: StepMark[];
}

/**
 * An in-process LLM with no latency: every agent call answers with one call of the `noop` tool whose
 * argument changes each step (so stuck detection stays quiet), every condenser call with a short
 * summary. Prompt tokens are estimated as characters / 4 over what it was sent.
 */
export function createScriptedLlm(ledger: Ledger): ScriptedLlm {
  const agentPromptTokens: number[] = [];
  const condenserPromptTokens: number[] = [];
  const marks: StepMark[] = [];
  let calls = 0;
  let lastTools: readonly ToolSpec[] | null = null;
  let lastToolChars = 0;

  const toolChars = (tools: readonly ToolSpec[]): number => {
    if (tools !== lastTools) {
      lastTools = tools;
      lastToolChars = tools.length === 0 ? 0 : JSON.stringify(tools).length;
    }
    return lastToolChars;
  };

  const client: LlmClient = {
    profile: 'bench',
    model: 'scripted-zero-latency',
    async complete(request: LlmRequest): Promise<LlmResponse> {
      const start = performance.now();
      if (request.purpose === 'agent') marks.push({ at: start, ...ledger });
      const n = ++calls;
      const promptTokens = Math.ceil((messageChars(request.messages) + toolChars(request.tools)) / 4);
      let response: LlmResponse;
      if (request.purpose === 'agent') {
        agentPromptTokens.push(promptTokens);
        const content = `Step ${n}: checking the next item before moving on.`;
        const args = JSON.stringify({
          command: `inspect item ${n} of the work list`,
          security_risk: 'LOW',
          summary: `inspect item ${n}`,
        });
        response = {
          id: `resp-${n}`,
          content,
          toolCalls: [{ id: `call-${n}`, name: 'noop', arguments: args }],
          finishReason: 'tool_calls',
          metrics: metrics(n, 'agent', promptTokens, Math.ceil((content.length + args.length) / 4) + 12),
        };
      } else {
        condenserPromptTokens.push(promptTokens);
        response = {
          id: `resp-${n}`,
          content: SUMMARY,
          toolCalls: [],
          finishReason: 'stop',
          metrics: metrics(n, request.purpose, promptTokens, Math.ceil(SUMMARY.length / 4)),
        };
      }
      ledger.llmMs += performance.now() - start;
      return response;
    },
  };
  return { client, agentPromptTokens, condenserPromptTokens, marks };
}

function metrics(
  n: number,
  purpose: LlmCallMetrics['purpose'],
  promptTokens: number,
  completionTokens: number,
): LlmCallMetrics {
  return {
    responseId: `resp-${n}`,
    profile: 'bench',
    model: 'scripted-zero-latency',
    purpose,
    promptTokens,
    completionTokens,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    latencyMs: 0,
    costUsd: (promptTokens * INPUT_PRICE + completionTokens * OUTPUT_PRICE) / 1e6,
  };
}

/** Characters the model would read: contents, tool-call names and arguments, tool-result ids. */
function messageChars(messages: readonly ChatMessage[]): number {
  let chars = 0;
  for (const message of messages) {
    chars += message.content.length;
    if (message.role === 'assistant') {
      for (const call of message.toolCalls)
        chars += call.id.length + call.name.length + call.arguments.length;
    } else if (message.role === 'tool') {
      chars += message.toolCallId.length + message.toolName.length;
    }
  }
  return chars;
}

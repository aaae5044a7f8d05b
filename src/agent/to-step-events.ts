import type { NewEvent } from '../events/event.js';
import type { LlmResponse } from '../llm/types.js';
import type { AgentSpec } from './agent-spec.js';
import { appendCalls, type TerminalCall, terminalCall } from './terminal-history.js';

/**
 * Turns one LLM response into the events that record it: a message when it called no tool, else one
 * action per valid call (rated by the analyzer) and one agent error per bad call. They are appended as
 * one batch, so a crash never leaves half a response in the log and the call is never made twice.
 * `history` is what the terminal ran before this response (`terminalHistory` of the log); each call is
 * rated after it and after the terminal calls before it in this response, which run first.
 */
export async function toStepEvents(
  response: LlmResponse,
  agent: AgentSpec,
  workspaceRoot: string,
  signal: AbortSignal,
  history: readonly string[] = [],
): Promise<NewEvent[]> {
  const llm = response.metrics;
  if (response.toolCalls.length === 0) {
    return [
      {
        kind: 'message',
        source: 'agent',
        role: 'assistant',
        content: response.content,
        llmResponseId: response.id,
        llm,
      },
    ];
  }
  const parsedCalls = response.toolCalls.map((call) => agent.tools.parseToolCall(call));
  const earlierCalls: TerminalCall[] = [];
  const histories = parsedCalls.map((parsed) => {
    const before = appendCalls(history, earlierCalls);
    const call = parsed.ok ? terminalCall(parsed.tool.name, parsed.args) : null;
    if (call !== null) earlierCalls.push(call);
    return before;
  });
  return Promise.all(
    response.toolCalls.map(async (call, index): Promise<NewEvent> => {
      const thought = index === 0 ? response.content : '';
      const metrics = index === 0 ? { llm } : {};
      const parsed = parsedCalls[index] ?? agent.tools.parseToolCall(call);
      if (!parsed.ok) {
        return {
          kind: 'agent_error',
          source: 'agent',
          thought,
          toolCallId: call.id,
          toolName: call.name,
          rawArguments: call.arguments,
          error: parsed.error,
          llmResponseId: response.id,
          ...metrics,
        };
      }
      const verdict = await agent.analyzer.analyze(
        {
          toolName: parsed.tool.name,
          arguments: parsed.args,
          declaredRisk: parsed.securityRisk,
          workspaceRoot,
          history: histories[index] ?? history,
        },
        signal,
      );
      return {
        kind: 'action',
        source: 'agent',
        thought,
        toolName: parsed.tool.name,
        toolCallId: call.id,
        arguments: parsed.args,
        securityRisk: parsed.securityRisk,
        verdict,
        ...(parsed.summary !== undefined ? { summary: parsed.summary } : {}),
        llmResponseId: response.id,
        ...metrics,
      };
    }),
  );
}

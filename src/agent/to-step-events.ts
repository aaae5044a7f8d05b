import type { NewEvent } from '../events/event.js';
import type { LlmResponse } from '../llm/types.js';
import type { AgentSpec } from './agent-spec.js';

/**
 * Turns one LLM response into the events that record it: a message when it called no tool, else one
 * action per valid call (rated by the analyzer) and one agent error per bad call. They are appended as
 * one batch, so a crash never leaves half a response in the log and the call is never made twice.
 */
export async function toStepEvents(
  response: LlmResponse,
  agent: AgentSpec,
  workspaceRoot: string,
  signal: AbortSignal,
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
  return Promise.all(
    response.toolCalls.map(async (call, index): Promise<NewEvent> => {
      const thought = index === 0 ? response.content : '';
      const metrics = index === 0 ? { llm } : {};
      const parsed = agent.tools.parseToolCall(call);
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

import type { ActionEvent, NewEvent } from '../events/event.js';
import type { ToolContext, ToolResult } from '../tools/tool.js';
import type { AgentToolbox } from './agent-spec.js';

/**
 * Runs one recorded action and returns the events that record its outcome: its observation, and a
 * `finish` event when the tool was `finish`. A tool that throws gives an error observation, never a
 * crashed run: the LLM sees what went wrong and can try something else.
 */
export async function executeAction(
  action: ActionEvent,
  tools: AgentToolbox,
  context: ToolContext,
): Promise<NewEvent[]> {
  const result = await runTool(action, tools, context);
  const observation: NewEvent = {
    kind: 'observation',
    source: 'environment',
    actionId: action.id,
    toolCallId: action.toolCallId,
    toolName: action.toolName,
    content: result.content,
    isError: result.isError,
    exitCode: result.exitCode,
    truncated: result.truncated,
    ...(result.fullOutputPath !== undefined ? { fullOutputPath: result.fullOutputPath } : {}),
    ...(result.data !== undefined ? { data: result.data } : {}),
  };
  if (result.finishMessage === undefined) return [observation];
  return [observation, { kind: 'finish', source: 'agent', message: result.finishMessage }];
}

async function runTool(action: ActionEvent, tools: AgentToolbox, context: ToolContext): Promise<ToolResult> {
  const tool = tools.get(action.toolName);
  if (!tool) return failure(`Tool ${action.toolName} is not available in this run.`);
  // Arguments were validated when the call was recorded; parsing again applies schema defaults and
  // guards against a log written by another version.
  const parsed = tool.schema.safeParse(action.arguments);
  if (!parsed.success) return failure(`Invalid arguments for ${action.toolName}: ${parsed.error.message}`);
  try {
    return await tool.execute(parsed.data, context);
  } catch (error) {
    return failure(`${action.toolName} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function failure(content: string): ToolResult {
  return { content, isError: true, exitCode: null, truncated: false };
}

import type { ActionEvent, NewEvent } from '../events/event.js';
import { runTool } from '../tools/run-tool.js';
import type { ToolContext, ToolResult } from '../tools/tool.js';
import type { AgentToolbox } from './agent-spec.js';

/**
 * Runs one recorded action and returns the events that record its outcome: its observation, and a
 * `finish` event when the tool was `finish`. A tool that throws gives an error observation, never a
 * crashed run: the LLM sees what went wrong and can try something else. Cancellation rethrows.
 */
export async function executeAction(
  action: ActionEvent,
  tools: AgentToolbox,
  context: ToolContext,
): Promise<NewEvent[]> {
  const result = await runAction(action, tools, context);
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

async function runAction(
  action: ActionEvent,
  tools: AgentToolbox,
  context: ToolContext,
): Promise<ToolResult> {
  const tool = tools.get(action.toolName);
  if (!tool) return failure(`Tool ${action.toolName} is not available in this run.`);
  // Arguments were validated when the call was recorded; parsing again applies schema defaults and
  // guards against a log written by another version.
  const parsed = tool.schema.safeParse(action.arguments);
  if (!parsed.success) return failure(`Invalid arguments for ${action.toolName}: ${parsed.error.message}`);
  return runTool(tool, parsed.data, context);
}

function failure(content: string): ToolResult {
  return { content, isError: true, exitCode: null, truncated: false };
}

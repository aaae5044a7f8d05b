import { WorkspacePathError } from '../workspace/workspace.js';
import type { AnyToolDefinition, ToolContext, ToolResult } from './tool.js';

/**
 * Executes a validated call and turns a thrown error into an error observation the LLM can read, so
 * a failing tool ends one step, not the run. Cancellation is not swallowed: an aborted signal rethrows.
 */
export async function runTool(
  tool: AnyToolDefinition,
  args: Record<string, unknown>,
  context: ToolContext,
): Promise<ToolResult> {
  try {
    return await tool.execute(args, context);
  } catch (error) {
    if (context.signal.aborted) throw error;
    const message =
      error instanceof WorkspacePathError
        ? error.message
        : `The ${tool.name} tool failed: ${error instanceof Error ? error.message : String(error)}`;
    return { content: message, isError: true, exitCode: null, truncated: false };
  }
}

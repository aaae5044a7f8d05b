import type { z } from 'zod';
import type { Workspace } from '../workspace/workspace.js';

/**
 * A tool is an immutable definition: a name the LLM calls, a zod schema for its arguments, and an
 * executor. Per-run mutable things (the shell, the editor's undo history) live in the workspace or in
 * the `RunScratch` passed in the context, never in the definition, so one definition serves many runs.
 */
export interface ToolDefinition<Args = unknown> {
  /** The current OpenHands name (`terminal`, `file_editor`...). */
  readonly name: string;
  /** The legacy OpenHands name (`execute_bash`, `str_replace_editor`), accepted as an alias. */
  readonly legacyName?: string;
  readonly description: string;
  /** Arguments without `security_risk` and `summary`: the agent strips those before validation. */
  readonly schema: z.ZodType<Args>;
  /** Read-only tools carry no `security_risk` argument and are never gated. */
  readonly readOnly: boolean;
  execute(args: Args, context: ToolContext): Promise<ToolResult>;
}

// biome-ignore lint/suspicious/noExplicitAny: a registry holds tools of every argument type.
export type AnyToolDefinition = ToolDefinition<any>;

export interface ToolContext {
  readonly workspace: Workspace;
  readonly signal: AbortSignal;
  readonly runId: string;
  /** A folder outside the workspace where full outputs that were cut are kept. */
  readonly outputDir: string;
  /** Mutable per-run state for tools that need some (the editor's undo history). */
  readonly scratch: Map<string, unknown>;
  /** The current task list, as derived from the log (for the task tracker's `view`). */
  readonly tasks: readonly Task[];
}

export interface ToolResult {
  content: string;
  isError: boolean;
  exitCode: number | null;
  truncated: boolean;
  fullOutputPath?: string;
  data?: Record<string, unknown>;
  /** Set by `finish`: the run ends after this step with this message. */
  finishMessage?: string;
}

export interface Task {
  title: string;
  notes: string;
  status: 'todo' | 'in_progress' | 'done';
}

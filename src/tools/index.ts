export { defaultTools } from './default-tools.js';
export { type FileEditorArgs, fileEditorTool } from './file-editor.js';
export { finishTool } from './finish.js';
export { runTool } from './run-tool.js';
export { renderTasks, type TaskTrackerArgs, taskTrackerTool } from './task-tracker.js';
export { type TerminalArgs, terminalTool } from './terminal.js';
export { thinkTool } from './think.js';
export type { AnyToolDefinition, Task, ToolContext, ToolDefinition, ToolResult } from './tool.js';
export {
  createToolRegistry,
  type ParsedToolCall,
  type ToolRegistry,
  type ToolRegistryOptions,
} from './tool-registry.js';
export { TERMINAL_MAX_CHARS, truncateOutput } from './truncate-output.js';

import { fileEditorTool } from './file-editor.js';
import { finishTool } from './finish.js';
import { taskTrackerTool } from './task-tracker.js';
import { terminalTool } from './terminal.js';
import { thinkTool } from './think.js';
import type { AnyToolDefinition } from './tool.js';

/** The five OpenHands tools, in the order OpenHands presents them. */
export function defaultTools(): AnyToolDefinition[] {
  return [terminalTool, fileEditorTool, taskTrackerTool, thinkTool, finishTool];
}

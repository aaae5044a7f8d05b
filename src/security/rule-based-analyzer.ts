import type { SecurityVerdict } from '../events/event.js';
import { rateFileEdit } from './rate-file-edit.js';
import { rateShellCommand } from './rate-shell-command.js';
import type { ProposedAction, SecurityAnalyzer } from './security-analyzer.js';

/** Tools that only think, plan or end the run: they touch nothing. */
const INERT_TOOLS = new Set(['think', 'finish', 'task_tracker']);

/**
 * The pattern-rule analyzer: dispatches on the tool name (current and legacy OpenHands names) to the
 * shell or file-edit rating. A tool it does not know is UNKNOWN, so a new tool is gated until someone
 * teaches the analyzer about it.
 */
export const ruleBasedAnalyzer: SecurityAnalyzer = {
  name: 'rules',
  analyze(action: ProposedAction): SecurityVerdict {
    const { toolName, workspaceRoot } = action;
    const args = action.arguments;
    switch (toolName) {
      case 'terminal':
      case 'execute_bash': {
        // Input sent to a running program (`is_input`) is rated too: the program may be a shell.
        const command = args.command;
        if (typeof command !== 'string') return missing('command');
        return rateShellCommand(command, { workspaceRoot, history: action.history ?? [] });
      }
      case 'file_editor':
      case 'str_replace_editor': {
        const { command, path } = args;
        if (typeof command !== 'string') return missing('command');
        if (typeof path !== 'string') return missing('path');
        const content = typeof args.file_text === 'string' ? args.file_text : args.new_str;
        return rateFileEdit(typeof content === 'string' ? { command, path, content } : { command, path }, {
          workspaceRoot,
        });
      }
      default:
        if (INERT_TOOLS.has(toolName)) return { risk: 'LOW', reasons: [] };
        return { risk: 'UNKNOWN', reasons: [{ rule: 'unknown-tool', match: toolName }] };
    }
  },
};

function missing(argument: string): SecurityVerdict {
  return { risk: 'UNKNOWN', reasons: [{ rule: 'missing-argument', match: argument }] };
}

import type { SecurityVerdict } from '../events/event.js';
import { classifyPath } from './paths/classify-path.js';
import { rateWrittenPath } from './paths/rate-written-path.js';
import { matchSensitivePath } from './paths/sensitive-paths.js';
import { commandsInWrittenFile } from './paths/written-code.js';
import { rateScript } from './rate-shell-command.js';
import { verdictOf } from './verdict-of.js';

export interface FileEditAction {
  /** view | create | str_replace | insert | undo_edit (OpenHands `file_editor`). */
  readonly command: string;
  readonly path: string;
  /** The text the edit writes (`file_text`, `new_str`), when there is one. */
  readonly content?: string;
}

const WRITE_COMMANDS = new Set(['create', 'str_replace', 'insert', 'undo_edit', 'write', 'append']);

/**
 * Rates one `file_editor` call by its path. Reads are LOW except credential files and
 * `/proc/<pid>/environ` (the file tool is the classic way round a scrubbed shell environment); writes are
 * rated by what the file does: CI workflows, hooks, git config, keys and registry config are HIGH.
 * An unknown editor command is UNKNOWN.
 */
export function rateFileEdit(
  action: FileEditAction,
  { workspaceRoot }: { workspaceRoot: string },
): SecurityVerdict {
  if (action.path.trim() === '')
    return { risk: 'UNKNOWN', reasons: [{ rule: 'missing-path', match: action.command }] };
  if (action.command === 'view' || action.command === 'read') {
    const place = classifyPath(action.path, workspaceRoot, workspaceRoot);
    const sensitive = matchSensitivePath(action.path, place.resolved);
    return verdictOf(
      sensitive === undefined ? [] : [{ rule: sensitive.rule, risk: sensitive.risk, match: action.path }],
    );
  }
  if (!WRITE_COMMANDS.has(action.command)) {
    return { risk: 'UNKNOWN', reasons: [{ rule: 'unknown-editor-command', match: action.command }] };
  }
  const findings = rateWrittenPath(action.path, workspaceRoot, workspaceRoot, 'editor', action.content);
  // A package script or Makefile recipe the edit writes is rated as the command it will run.
  const scripts =
    action.content === undefined ? [] : (commandsInWrittenFile(action.path, action.content) ?? []);
  for (const script of scripts) findings.push(...rateScript(script, workspaceRoot, 1));
  return verdictOf(findings);
}

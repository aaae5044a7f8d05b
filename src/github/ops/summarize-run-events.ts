import type { ActionEvent, RunEvent } from '../../events/event.js';

export interface CommandRun {
  readonly command: string;
  /** null while running or when the tool reported none; `rejected` when a person said no. */
  readonly exitCode: number | null | 'rejected';
  readonly isTest: boolean;
}

export interface RunSummary {
  /** Every shell command, in order. */
  readonly commands: readonly CommandRun[];
  /** Files the editor tool wrote, relative to the workspace root when inside it. */
  readonly filesChanged: readonly string[];
  readonly tests: readonly CommandRun[];
}

const SHELL_TOOLS: ReadonlySet<string> = new Set(['terminal', 'execute_bash']);
const EDITOR_TOOLS: ReadonlySet<string> = new Set(['file_editor', 'str_replace_editor']);
const WRITING_EDITS: ReadonlySet<string> = new Set(['create', 'str_replace', 'insert', 'undo_edit']);

/** Common test runners; a command that runs one counts as "tests run". */
const TEST_COMMAND =
  /\b(?:(?:npm|pnpm|yarn|bun)\s+(?:run\s+)?test|node\s+(?:--test\b|[\w./-]*test[\w.-]*\.[cm]?[jt]s\b)|vitest|jest|mocha|pytest|python\d?(?:\.\d+)?\s+-m\s+(?:pytest|unittest)|go\s+test|cargo\s+(?:test|nextest)|make\s+(?:test|check)|(?:mvn|gradle|\.\/gradlew)\b.*\btest|tox|nox|rspec|phpunit|ctest|dotnet\s+test|mix\s+test|deno\s+test)\b/;

/**
 * What a run did, read from its events: shell commands with their exit codes (tests flagged), and
 * files written through the editor tool. Shell-made edits (`sed -i`, `git apply`) are not visible
 * here; the worker's diff is the authority on changed files and may be passed to the renderers.
 */
export function summarizeRunEvents(events: readonly RunEvent[]): RunSummary {
  const outcome = new Map<string, number | null | 'rejected'>();
  const editFailed = new Set<string>();
  for (const e of events) {
    if (e.kind === 'observation') {
      outcome.set(e.actionId, e.exitCode);
      if (e.isError) editFailed.add(e.actionId);
    } else if (e.kind === 'user_reject') {
      outcome.set(e.actionId, 'rejected');
      editFailed.add(e.actionId);
    }
  }
  const root = rootOf(events);
  const commands: CommandRun[] = [];
  const files = new Set<string>();
  for (const e of events) {
    if (e.kind !== 'action') continue;
    const command = shellCommandOf(e);
    if (command !== null) {
      commands.push({ command, exitCode: outcome.get(e.id) ?? null, isTest: TEST_COMMAND.test(command) });
      continue;
    }
    const path = writtenPathOf(e);
    if (path !== null && outcome.has(e.id) && !editFailed.has(e.id)) files.add(relativeTo(root, path));
  }
  return { commands, filesChanged: [...files].sort(), tests: commands.filter((c) => c.isTest) };
}

function shellCommandOf(action: ActionEvent): string | null {
  if (!SHELL_TOOLS.has(action.toolName)) return null;
  const { command, is_input: isInput } = action.arguments;
  // An empty command reads more output and input goes to a running program: neither is a new command.
  if (typeof command !== 'string' || command.trim() === '' || isInput === true) return null;
  return command;
}

function writtenPathOf(action: ActionEvent): string | null {
  if (!EDITOR_TOOLS.has(action.toolName)) return null;
  const { command, path } = action.arguments;
  return typeof command === 'string' && WRITING_EDITS.has(command) && typeof path === 'string' ? path : null;
}

function rootOf(events: readonly RunEvent[]): string | null {
  for (const e of events) if (e.kind === 'run_started') return e.settings.workspace.root;
  return null;
}

function relativeTo(root: string | null, path: string): string {
  if (root === null) return path;
  const base = root.endsWith('/') ? root : `${root}/`;
  return path.startsWith(base) ? path.slice(base.length) : path;
}

import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { WorkspacePathError } from '../workspace/workspace.js';
import {
  checkViewRange,
  clip,
  joinLines,
  lineAt,
  numbered,
  occurrences,
  snippet,
  splitLines,
} from './file-editor-text.js';
import type { ToolContext, ToolDefinition, ToolResult } from './tool.js';

const MAX_FILE_BYTES = 10 * 1024 * 1024;
const HISTORY_KEY = 'file_editor.history';
const HISTORY_DEPTH = 10;

const schema = z.object({
  command: z
    .enum(['view', 'create', 'str_replace', 'insert', 'undo_edit'])
    .describe(
      'The command to run. Allowed options are: `view`, `create`, `str_replace`, `insert`, `undo_edit`.',
    ),
  path: z.string().describe('Absolute path to file or directory, e.g. `/workspace/file.py` or `/workspace`.'),
  file_text: z.string().optional().describe('Required for `create`: the content of the file to be created.'),
  old_str: z
    .string()
    .optional()
    .describe(
      'Required for `str_replace`: the string in `path` to replace; it must match exactly and be unique.',
    ),
  new_str: z
    .string()
    .optional()
    .describe(
      'For `str_replace`: the new string (omit to delete `old_str`). Required for `insert`: the string to insert.',
    ),
  insert_line: z
    .number()
    .int()
    .optional()
    .describe(
      'Required for `insert`: `new_str` is inserted AFTER this line of `path` (0 inserts at the top).',
    ),
  view_range: z
    .array(z.number().int())
    .optional()
    .describe(
      'Optional for `view` of a file: the range of lines to show, e.g. [11, 12] shows lines 11 and 12. Indexing starts at 1; [start, -1] shows all lines from start to the end.',
    ),
});

export type FileEditorArgs = z.infer<typeof schema>;

export const fileEditorTool: ToolDefinition<FileEditorArgs> = {
  name: 'file_editor',
  legacyName: 'str_replace_editor',
  description: `Custom editing tool for viewing, creating and editing files in plain-text format
* State is persistent across command calls and discussions with the user
* If \`path\` is a file, \`view\` displays the result of applying \`cat -n\`. If \`path\` is a directory, \`view\` lists non-hidden files and directories up to 2 levels deep
* The \`create\` command cannot be used if the specified \`path\` already exists as a file
* If a \`command\` generates a long output, it will be truncated and marked with \`<response clipped>\`
* The \`undo_edit\` command will revert the last edit made to the file at \`path\`

Notes for using the \`str_replace\` command:
* The \`old_str\` parameter should match EXACTLY one or more consecutive lines from the original file. Be mindful of whitespaces!
* If the \`old_str\` parameter is not unique in the file, the replacement will not be performed. Make sure to include enough context in \`old_str\` to make it unique
* The \`new_str\` parameter should contain the edited lines that should replace the \`old_str\``,
  schema,
  readOnly: false,
  execute: runFileEditor,
};

async function runFileEditor(args: FileEditorArgs, context: ToolContext): Promise<ToolResult> {
  const { path, command } = args;
  if (!isAbsolute(path)) {
    return fail(
      `The path ${path} is not an absolute path, it should start with \`/\`. Maybe you meant ${join(context.workspace.root, path)}?`,
    );
  }
  try {
    const info = await context.workspace.stat(path);
    if (command === 'create') {
      if (info.type !== 'missing') {
        return fail(`File already exists at: ${path}. Cannot overwrite files using command \`create\`.`);
      }
      if (args.file_text === undefined) return fail('Parameter `file_text` is required for command: create.');
      await context.workspace.writeFile(path, args.file_text);
      return ok(`File created successfully at: ${path}`);
    }
    if (info.type === 'missing') return fail(`The path ${path} does not exist. Please provide a valid path.`);
    if (info.type === 'directory') {
      if (command !== 'view') {
        return fail(
          `The path ${path} is a directory and only the \`view\` command can be used on directories.`,
        );
      }
      if (args.view_range !== undefined) {
        return fail('The `view_range` parameter is not allowed when `path` points to a directory.');
      }
      const entries = await context.workspace.listTree(path, 2);
      const listing = [path, ...entries].join('\n');
      return clipped(
        `Here's the files and directories up to 2 levels deep in ${path}, excluding hidden items:\n${listing}\n`,
      );
    }
    if (info.size > MAX_FILE_BYTES) {
      return fail(
        `The file ${path} is too large (${info.size} bytes). Maximum allowed size is ${MAX_FILE_BYTES} bytes.`,
      );
    }
    const bytes = await context.workspace.readFile(path);
    if (bytes.includes(0)) {
      return fail(`The file ${path} appears to be binary; file_editor only views and edits text files.`);
    }
    const text = bytes.toString('utf8');
    switch (command) {
      case 'view':
        return view(path, text, args.view_range);
      case 'str_replace':
        return strReplace(path, text, args, context);
      case 'insert':
        return insert(path, text, args, context);
      case 'undo_edit':
        return undo(path, context);
    }
  } catch (error) {
    if (error instanceof WorkspacePathError) return fail(error.message);
    throw error;
  }
}

function view(path: string, text: string, range: readonly number[] | undefined): ToolResult {
  const lines = splitLines(text);
  if (range === undefined)
    return clipped(`Here's the result of running \`cat -n\` on ${path}:\n${numbered(lines)}\n`);
  const checked = checkViewRange(range, lines.length);
  if ('error' in checked) return fail(checked.error);
  const shown = numbered(lines.slice(checked.start - 1, checked.end), checked.start);
  return clipped(`Here's the result of running \`cat -n\` on ${path}:\n${shown}\n`);
}

async function strReplace(path: string, text: string, args: FileEditorArgs, context: ToolContext) {
  const oldStr = args.old_str;
  if (oldStr === undefined) return fail('Parameter `old_str` is required for command: str_replace.');
  const newStr = args.new_str ?? '';
  if (oldStr === newStr)
    return fail('No replacement was performed. `new_str` and `old_str` must be different.');
  const found = oldStr === '' ? [] : occurrences(text, oldStr);
  if (found.length === 0) {
    return fail(`No replacement was performed, old_str \`${oldStr}\` did not appear verbatim in ${path}.`);
  }
  if (found.length > 1) {
    const lines = found.map((index) => lineAt(text, index));
    return fail(
      `No replacement was performed. Multiple occurrences of old_str \`${oldStr}\` in lines [${lines.join(', ')}]. Please ensure it is unique.`,
    );
  }
  const at = found[0] ?? 0;
  const updated = text.slice(0, at) + newStr + text.slice(at + oldStr.length);
  await save(path, text, updated, context);
  const shown = snippet(updated, lineAt(updated, at), splitLines(newStr).length);
  return clipped(
    `The file ${path} has been edited. Here's the result of running \`cat -n\` on a snippet of ${path}:\n${shown}\nReview the changes and make sure they are as expected. Edit the file again if necessary.`,
  );
}

async function insert(path: string, text: string, args: FileEditorArgs, context: ToolContext) {
  if (args.insert_line === undefined) return fail('Parameter `insert_line` is required for command: insert.');
  if (args.new_str === undefined) return fail('Parameter `new_str` is required for command: insert.');
  const lines = splitLines(text);
  const line = args.insert_line;
  if (line < 0 || line > lines.length) {
    return fail(
      `Invalid \`insert_line\` parameter: ${line}. It should be within the range of lines of the file: [0, ${lines.length}]`,
    );
  }
  const inserted = splitLines(args.new_str.endsWith('\n') ? args.new_str : `${args.new_str}\n`);
  const updated = joinLines(
    [...lines.slice(0, line), ...inserted, ...lines.slice(line)],
    text === '' || text.endsWith('\n'),
  );
  await save(path, text, updated, context);
  const shown = snippet(updated, line + 1, inserted.length);
  return clipped(
    `The file ${path} has been edited. Here's the result of running \`cat -n\` on a snippet of the edited file:\n${shown}\nReview the changes and make sure they are as expected (correct indentation, no duplicate lines, etc). Edit the file again if necessary.`,
  );
}

async function undo(path: string, context: ToolContext): Promise<ToolResult> {
  const previous = history(context).get(path)?.pop();
  if (previous === undefined) return fail(`No edit history found for ${path}.`);
  await context.workspace.writeFile(path, previous);
  return clipped(
    `Last edit to ${path} undone successfully. Here's the result of running \`cat -n\` on ${path}:\n${numbered(splitLines(previous))}\n`,
  );
}

async function save(path: string, before: string, after: string, context: ToolContext): Promise<void> {
  await context.workspace.writeFile(path, after);
  const entries = history(context).get(path) ?? [];
  entries.push(before);
  if (entries.length > HISTORY_DEPTH) entries.shift();
  history(context).set(path, entries);
}

/** Undo history per path, kept in the run's scratch so one tool definition serves many runs. */
function history(context: ToolContext): Map<string, string[]> {
  const existing = context.scratch.get(HISTORY_KEY);
  if (existing instanceof Map) return existing as Map<string, string[]>;
  const created = new Map<string, string[]>();
  context.scratch.set(HISTORY_KEY, created);
  return created;
}

function ok(content: string): ToolResult {
  return { content, isError: false, exitCode: null, truncated: false };
}

function clipped(content: string): ToolResult {
  const cut = clip(content);
  return { content: cut.text, isError: false, exitCode: null, truncated: cut.truncated };
}

function fail(content: string): ToolResult {
  return { content, isError: true, exitCode: null, truncated: false };
}

import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FileEditorArgs, fileEditorTool } from '../../src/tools/file-editor.js';
import type { ToolContext } from '../../src/tools/tool.js';
import { makeContext } from './tool-context.js';

let root: string;
let context: ToolContext;
let cleanup: () => Promise<void>;

beforeEach(() => {
  ({ root, context, cleanup } = makeContext());
});
afterEach(() => cleanup());

const edit = (args: Partial<FileEditorArgs> & Pick<FileEditorArgs, 'command' | 'path'>) =>
  fileEditorTool.execute(args, context);

const file = (name: string, text: string) => {
  writeFileSync(join(root, name), text);
  return join(root, name);
};

describe('file_editor view', () => {
  it('prints a file cat -n style', async () => {
    const path = file('a.txt', 'one\ntwo\nthree\n');
    const result = await edit({ command: 'view', path });
    expect(result.isError).toBe(false);
    expect(result.content).toBe(
      `Here's the result of running \`cat -n\` on ${path}:\n     1\tone\n     2\ttwo\n     3\tthree\n`,
    );
  });

  it('honours view_range, with -1 meaning to the end', async () => {
    const path = file('a.txt', 'l1\nl2\nl3\nl4\n');
    expect((await edit({ command: 'view', path, view_range: [2, 3] })).content).toContain(
      '     2\tl2\n     3\tl3\n',
    );
    const toEnd = await edit({ command: 'view', path, view_range: [3, -1] });
    expect(toEnd.content).toContain('     3\tl3\n     4\tl4\n');
    expect(toEnd.content).not.toContain('l2');
  });

  it('rejects an invalid view_range with the OpenHands wording', async () => {
    const path = file('a.txt', 'l1\nl2\nl3\n');
    const cases: Array<[number[], string]> = [
      [[1], 'It should be a list of two integers'],
      [[0, 2], 'Its first element `0` should be within the range of lines of the file: [1, 3]'],
      [[1, 9], 'Its second element `9` should be smaller than the number of lines in the file: `3`'],
      [[3, 2], 'Its second element `2` should be larger or equal than its first `3`'],
    ];
    for (const [range, message] of cases) {
      const result = await edit({ command: 'view', path, view_range: range });
      expect(result.isError).toBe(true);
      expect(result.content).toContain(message);
    }
  });

  it('lists a directory two levels deep without hidden entries', async () => {
    file('top.txt', '');
    file('.hidden', '');
    await context.workspace.writeFile(join(root, 'src/deep/x.ts'), '');
    await context.workspace.writeFile(join(root, 'src/deep/deeper/y.ts'), '');
    const result = await edit({ command: 'view', path: root });
    expect(result.content).toBe(
      `Here's the files and directories up to 2 levels deep in ${root}, excluding hidden items:\n${root}\n${root}/src/\n${root}/src/deep/\n${root}/top.txt\n`,
    );
    const ranged = await edit({ command: 'view', path: root, view_range: [1, 2] });
    expect(ranged.content).toBe(
      'The `view_range` parameter is not allowed when `path` points to a directory.',
    );
  });

  it('clips long output with the response clipped marker', async () => {
    const path = file('big.txt', `${'x'.repeat(100)}\n`.repeat(400));
    const result = await edit({ command: 'view', path });
    expect(result.truncated).toBe(true);
    expect(result.content).toContain('<response clipped><NOTE>');
    expect(result.content.length).toBeLessThan(16_500);
  });
});

describe('file_editor path checks', () => {
  it('requires an absolute path', async () => {
    const result = await edit({ command: 'view', path: 'a.txt' });
    expect(result.isError).toBe(true);
    expect(result.content).toBe(
      `The path a.txt is not an absolute path, it should start with \`/\`. Maybe you meant ${root}/a.txt?`,
    );
  });

  it('reports a missing path', async () => {
    const result = await edit({ command: 'view', path: join(root, 'nope') });
    expect(result.content).toBe(
      `The path ${join(root, 'nope')} does not exist. Please provide a valid path.`,
    );
  });

  it('refuses paths outside the workspace, through .. or a symlink', async () => {
    symlinkSync('/etc', join(root, 'etc'));
    for (const path of [
      '/proc/self/environ',
      join(root, '../x'),
      join(root, 'etc/passwd'),
      `${process.env.HOME}/.ssh/id_rsa`,
    ]) {
      const result = await edit({ command: 'view', path });
      expect(result.isError).toBe(true);
      expect(result.content).toContain('is outside the workspace');
    }
    const created = await edit({ command: 'create', path: join(root, 'etc/evil'), file_text: 'x' });
    expect(created.content).toContain('is outside the workspace');
  });

  it('allows only view on directories', async () => {
    const result = await edit({ command: 'str_replace', path: root, old_str: 'a', new_str: 'b' });
    expect(result.content).toBe(
      `The path ${root} is a directory and only the \`view\` command can be used on directories.`,
    );
  });
});

describe('file_editor create', () => {
  it('creates a file with parent folders, and refuses to overwrite', async () => {
    const path = join(root, 'new/dir/f.py');
    const created = await edit({ command: 'create', path, file_text: 'print(1)\n' });
    expect(created.content).toBe(`File created successfully at: ${path}`);
    expect(readFileSync(path, 'utf8')).toBe('print(1)\n');
    const again = await edit({ command: 'create', path, file_text: 'x' });
    expect(again.isError).toBe(true);
    expect(again.content).toBe(
      `File already exists at: ${path}. Cannot overwrite files using command \`create\`.`,
    );
  });

  it('requires file_text', async () => {
    const result = await edit({ command: 'create', path: join(root, 'f') });
    expect(result.content).toBe('Parameter `file_text` is required for command: create.');
  });
});

describe('file_editor str_replace', () => {
  it('replaces a unique string and shows a numbered snippet', async () => {
    const path = file('m.py', 'a = 1\nb = 2\nc = 3\n');
    const result = await edit({ command: 'str_replace', path, old_str: 'b = 2', new_str: 'b = 20\nb2 = 21' });
    expect(result.isError).toBe(false);
    expect(readFileSync(path, 'utf8')).toBe('a = 1\nb = 20\nb2 = 21\nc = 3\n');
    expect(result.content).toContain(`The file ${path} has been edited.`);
    expect(result.content).toContain('     2\tb = 20\n     3\tb2 = 21\n');
  });

  it('reports old_str not found, or found several times with the lines', async () => {
    const path = file('m.py', 'x = 1\ny = 2\nx = 1\n');
    const missing = await edit({ command: 'str_replace', path, old_str: 'z = 9', new_str: '' });
    expect(missing.content).toBe(
      `No replacement was performed, old_str \`z = 9\` did not appear verbatim in ${path}.`,
    );
    const multiple = await edit({ command: 'str_replace', path, old_str: 'x = 1', new_str: 'x = 2' });
    expect(multiple.content).toBe(
      'No replacement was performed. Multiple occurrences of old_str `x = 1` in lines [1, 3]. Please ensure it is unique.',
    );
    expect(readFileSync(path, 'utf8')).toBe('x = 1\ny = 2\nx = 1\n');
  });

  it('requires old_str and a change', async () => {
    const path = file('m.py', 'x\n');
    expect((await edit({ command: 'str_replace', path })).content).toBe(
      'Parameter `old_str` is required for command: str_replace.',
    );
    expect((await edit({ command: 'str_replace', path, old_str: 'x', new_str: 'x' })).isError).toBe(true);
  });
});

describe('file_editor insert', () => {
  it('inserts after a line, 0 meaning the top', async () => {
    const path = file('f.txt', 'one\ntwo\n');
    await edit({ command: 'insert', path, insert_line: 1, new_str: 'one and a half' });
    expect(readFileSync(path, 'utf8')).toBe('one\none and a half\ntwo\n');
    const top = await edit({ command: 'insert', path, insert_line: 0, new_str: 'zero\n' });
    expect(readFileSync(path, 'utf8')).toBe('zero\none\none and a half\ntwo\n');
    expect(top.content).toContain('     1\tzero\n');
    await edit({ command: 'insert', path, insert_line: 4, new_str: 'end' });
    expect(readFileSync(path, 'utf8')).toBe('zero\none\none and a half\ntwo\nend\n');
  });

  it('rejects an insert_line out of range and missing parameters', async () => {
    const path = file('f.txt', 'one\ntwo\n');
    const out = await edit({ command: 'insert', path, insert_line: 5, new_str: 'x' });
    expect(out.content).toBe(
      'Invalid `insert_line` parameter: 5. It should be within the range of lines of the file: [0, 2]',
    );
    expect((await edit({ command: 'insert', path, new_str: 'x' })).content).toBe(
      'Parameter `insert_line` is required for command: insert.',
    );
    expect((await edit({ command: 'insert', path, insert_line: 1 })).content).toBe(
      'Parameter `new_str` is required for command: insert.',
    );
  });
});

describe('file_editor undo_edit', () => {
  it('reverts edits one by one, then says there is no history', async () => {
    const path = file('u.txt', 'v1\n');
    await edit({ command: 'str_replace', path, old_str: 'v1', new_str: 'v2' });
    await edit({ command: 'insert', path, insert_line: 1, new_str: 'more' });
    expect(readFileSync(path, 'utf8')).toBe('v2\nmore\n');
    const first = await edit({ command: 'undo_edit', path });
    expect(first.content).toContain(`Last edit to ${path} undone successfully.`);
    expect(readFileSync(path, 'utf8')).toBe('v2\n');
    await edit({ command: 'undo_edit', path });
    expect(readFileSync(path, 'utf8')).toBe('v1\n');
    const none = await edit({ command: 'undo_edit', path });
    expect(none.isError).toBe(true);
    expect(none.content).toBe(`No edit history found for ${path}.`);
  });
});

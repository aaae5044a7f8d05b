import {
  type EntryType,
  type TreeChange,
  type TreeEntry,
  wantsContent,
} from '../../security/classify-tree-changes.js';

/** Runs one git command in the repository that holds both trees and returns its stdout. */
export type TreeGit = (args: string[]) => Promise<string>;

/** Blobs above this are not read: a rule that needed one treats it as changed (fail closed). */
const MAX_CONTENT_BYTES = 1024 * 1024;

const MODES: Readonly<Record<string, EntryType | null>> = {
  '000000': null,
  '100644': 'file',
  '100664': 'file',
  '100755': 'executable',
  '120000': 'symlink',
  '160000': 'gitlink',
};

/**
 * Every path that differs between two trees, with what stood there before and after: additions,
 * edits, deletions, mode and type changes, symbolic links and submodules (gitlinks). Read with
 * `diff-tree -r -z --raw --no-renames` from the worker's own repository, so a rename or copy is a
 * delete and an add (both judged), paths are NUL-separated bytes (never C-quoted), and nothing the
 * agent configured takes part. The text of the blobs the rules parse (`wantsContent`) comes along.
 */
export async function listTreeChanges(git: TreeGit, fromTree: string, toTree: string): Promise<TreeChange[]> {
  const raw = await git([
    'diff-tree',
    '-r',
    '-z',
    '--raw',
    '--no-renames',
    '--no-abbrev',
    '--no-ext-diff',
    '--no-textconv',
    fromTree,
    toTree,
    '--',
  ]);
  const fields = raw.split('\0');
  if (fields.at(-1) === '') fields.pop();
  if (fields.length % 2 !== 0) throw new Error(`unexpected diff-tree output (${fields.length} fields)`);
  const changes: TreeChange[] = [];
  for (let i = 0; i < fields.length; i += 2) {
    const meta = /^:(\d{6}) (\d{6}) ([0-9a-f]{40,64}) ([0-9a-f]{40,64}) ([AMDT])$/.exec(fields[i] ?? '');
    const filePath = fields[i + 1];
    if (!meta || filePath === undefined || filePath === '') {
      throw new Error(`unexpected diff-tree record ${JSON.stringify(fields[i])}`);
    }
    const [, oldMode = '', newMode = '', oldObject = '', newObject = ''] = meta;
    changes.push({
      path: filePath,
      before: await entry(git, filePath, oldMode, oldObject),
      after: await entry(git, filePath, newMode, newObject),
    });
  }
  return changes;
}

async function entry(
  git: TreeGit,
  filePath: string,
  mode: string,
  object: string,
): Promise<TreeEntry | null> {
  const type = MODES[mode];
  if (type === undefined) throw new Error(`unexpected mode ${mode} for ${JSON.stringify(filePath)}`);
  if (type === null) return null;
  if (type === 'gitlink' || !wantsContent(filePath, type)) return { type };
  const size = Number((await git(['cat-file', '-s', object])).trim());
  if (!Number.isSafeInteger(size) || size > MAX_CONTENT_BYTES) return { type, content: null };
  return { type, content: await git(['cat-file', 'blob', object]) };
}

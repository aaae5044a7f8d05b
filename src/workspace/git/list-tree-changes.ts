import { createHash } from 'node:crypto';
import {
  type EntryType,
  type TreeChange,
  type TreeEntry,
  wantsContent,
} from '../../security/classify-tree-changes.js';
import { TamperedCheckoutError } from './git-errors.js';

/** Runs git in the repository that holds both trees: stdout as text, or as bytes (raw objects). */
export interface TreeGit {
  text(args: string[]): Promise<string>;
  bytes(args: string[]): Promise<Buffer>;
}

/** Blobs above this are not read: a rule that needed one treats it as changed (fail closed). */
const MAX_CONTENT_BYTES = 1024 * 1024;

const TREE = '040000';

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
 * `diff-tree -r -t -z --raw --no-renames` from the worker's own repository, so a rename or copy is a
 * delete and an add (both judged), paths are NUL-separated bytes (never C-quoted), and nothing the
 * agent configured takes part. The text of the blobs the rules parse (`wantsContent`) comes along.
 *
 * The base commit's objects are read from the agent's checkout (as alternates), where it can put any
 * bytes under any object id, and git does not check an id against its content when reading. So
 * every object this reads is checked: the two root trees, each tree the diff descended into (`-t`
 * lists them) and each blob read; a mismatch is a `TamperedCheckoutError`. Objects the diff did not
 * read are the same on both sides, and what is pushed for them is what the server already has.
 */
export async function listTreeChanges(git: TreeGit, fromTree: string, toTree: string): Promise<TreeChange[]> {
  const raw = await git.text([
    'diff-tree',
    '-r',
    '-t',
    '-z',
    '--raw',
    '--no-renames',
    '--no-abbrev',
    fromTree,
    toTree,
    '--',
  ]);
  const fields = raw.split('\0');
  if (fields.at(-1) === '') fields.pop();
  if (fields.length % 2 !== 0) throw new Error(`unexpected diff-tree output (${fields.length} fields)`);
  const trees = new Set([fromTree, toTree]);
  const records: { path: string; modes: [string, string]; objects: [string, string] }[] = [];
  for (let i = 0; i < fields.length; i += 2) {
    const meta = /^:(\d{6}) (\d{6}) ([0-9a-f]{40,64}) ([0-9a-f]{40,64}) ([AMDT])$/.exec(fields[i] ?? '');
    const filePath = fields[i + 1];
    if (!meta || filePath === undefined || filePath === '') {
      throw new Error(`unexpected diff-tree record ${JSON.stringify(fields[i])}`);
    }
    const [, oldMode = '', newMode = '', oldObject = '', newObject = ''] = meta;
    if (oldMode === TREE) trees.add(oldObject);
    if (newMode === TREE) trees.add(newObject);
    records.push({ path: filePath, modes: [oldMode, newMode], objects: [oldObject, newObject] });
  }
  for (const tree of trees) await readVerified(git, 'tree', tree);

  const changes: TreeChange[] = [];
  for (const { path: filePath, modes, objects } of records) {
    // A folder's own record: its entries are records of their own.
    const before = modes[0] === TREE ? null : await entry(git, filePath, modes[0], objects[0]);
    const after = modes[1] === TREE ? null : await entry(git, filePath, modes[1], objects[1]);
    if (before !== null || after !== null) changes.push({ path: filePath, before, after });
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
  const size = Number((await git.text(['cat-file', '-s', object])).trim());
  if (!Number.isSafeInteger(size) || size > MAX_CONTENT_BYTES) return { type, content: null };
  return { type, content: (await readVerified(git, 'blob', object)).toString('utf8') };
}

/** The object's bytes, after checking they hash to its id (SHA-1 or SHA-256, by the id's length). */
async function readVerified(git: TreeGit, type: 'tree' | 'blob', id: string): Promise<Buffer> {
  const bytes = await git.bytes(['cat-file', type, id]);
  const actual = createHash(id.length === 64 ? 'sha256' : 'sha1')
    .update(`${type} ${bytes.length}\0`)
    .update(bytes)
    .digest('hex');
  if (actual !== id) {
    throw new TamperedCheckoutError([{ key: `${type} ${id}`, value: 'its content does not match its id' }]);
  }
  return bytes;
}

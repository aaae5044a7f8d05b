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
  bytes(args: string[], input: string): Promise<Buffer>;
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
  // The blobs the rules read, and their sizes, then every object needed in one `cat-file --batch`.
  const wanted = new Set<string>();
  for (const { path: filePath, modes, objects } of records) {
    for (const side of [0, 1] as const) {
      const type = entryType(filePath, modes[side]);
      if (type && type !== 'tree' && type !== 'gitlink' && wantsContent(filePath, type)) {
        wanted.add(objects[side]);
      }
    }
  }
  const sizes = await blobSizes(git, [...wanted]);
  const readable = [...wanted].filter((id) => (sizes.get(id) ?? Infinity) <= MAX_CONTENT_BYTES);
  const contents = await readVerified(git, [
    ...[...trees].map((id) => ({ id, type: 'tree' as const })),
    ...readable.map((id) => ({ id, type: 'blob' as const })),
  ]);

  const changes: TreeChange[] = [];
  for (const { path: filePath, modes, objects } of records) {
    // A folder's own record: its entries are records of their own.
    const [before, after] = ([0, 1] as const).map((side): TreeEntry | null => {
      const type = entryType(filePath, modes[side]);
      if (type === null || type === 'tree') return null;
      if (!wanted.has(objects[side])) return { type };
      const content = contents.get(objects[side]);
      return { type, content: content === undefined ? null : content.toString('utf8') };
    }) as [TreeEntry | null, TreeEntry | null];
    if (before !== null || after !== null) changes.push({ path: filePath, before, after });
  }
  return changes;
}

function entryType(filePath: string, mode: string): EntryType | 'tree' | null {
  if (mode === TREE) return 'tree';
  const type = MODES[mode];
  if (type === undefined) throw new Error(`unexpected mode ${mode} for ${JSON.stringify(filePath)}`);
  return type;
}

async function blobSizes(git: TreeGit, ids: readonly string[]): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  if (ids.length === 0) return sizes;
  const out = (
    await git.bytes(['cat-file', '--batch-check=%(objectname) %(objectsize)'], `${ids.join('\n')}\n`)
  )
    .toString('utf8')
    .split('\n');
  for (const line of out) {
    const [id, size] = line.split(' ');
    if (id && size && /^\d+$/.test(size)) sizes.set(id, Number(size));
  }
  return sizes;
}

/**
 * The objects' bytes, each checked to hash to its id (SHA-1 or SHA-256, by the id's length) and to
 * be of the type asked for; one that is missing, of another type or forged is a `TamperedCheckoutError`.
 */
async function readVerified(
  git: TreeGit,
  objects: readonly { id: string; type: 'tree' | 'blob' }[],
): Promise<Map<string, Buffer>> {
  const found = new Map<string, Buffer>();
  if (objects.length === 0) return found;
  const out = await git.bytes(['cat-file', '--batch'], `${objects.map((o) => o.id).join('\n')}\n`);
  let at = 0;
  for (const { id, type } of objects) {
    const end = out.indexOf(0x0a, at);
    const header = out.subarray(at, end === -1 ? out.length : end).toString('utf8');
    const match = /^([0-9a-f]+) (\w+) (\d+)$/.exec(header);
    if (end === -1 || !match || match[1] !== id || match[2] !== type) {
      throw new TamperedCheckoutError([
        { key: `${type} ${id}`, value: `unreadable (${header.slice(0, 80)})` },
      ]);
    }
    const bytes = out.subarray(end + 1, end + 1 + Number(match[3]));
    at = end + 1 + bytes.length + 1;
    const actual = createHash(id.length === 64 ? 'sha256' : 'sha1')
      .update(`${type} ${bytes.length}\0`)
      .update(bytes)
      .digest('hex');
    if (actual !== id) {
      throw new TamperedCheckoutError([{ key: `${type} ${id}`, value: 'its content does not match its id' }]);
    }
    found.set(id, bytes);
  }
  return found;
}

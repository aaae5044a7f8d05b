import { runGit } from '../git/run-git.js';

/** Files whose text joins the agent's context, as OpenHands reads them (in this order). */
export const INSTRUCTION_PATHS = ['AGENTS.md', '.openhands/microagents/repo.md'] as const;
/** Run in the container before the agent starts. */
export const SETUP_SCRIPT_PATH = '.openhands/setup.sh';

export interface RepoInstruction {
  path: string;
  text: string;
  /** Cut at the size cap; the caller may say so to the model. */
  truncated: boolean;
}

export interface SkippedRepoFile {
  path: string;
  reason: 'too-large' | 'not-a-regular-file' | 'binary';
}

export interface RepoInstructions {
  instructions: RepoInstruction[];
  setupScript: string | null;
  /** Files that exist but were not used: worth reporting, never silently dropped. */
  skipped: SkippedRepoFile[];
}

export interface ReadRepoInstructionsOptions {
  /** A repository holding `commit`: the worker's mirror, never the run's checkout. */
  gitDir: string;
  /** The base branch's commit (for a PR run: the base, never the PR head). */
  commit: string;
  /** Instructions longer than this are cut (default 32 KB each). */
  maxInstructionBytes?: number;
  /** Where the setup script is, relative to the repository root (the repository's config may move it). */
  setupScriptPath?: string;
  /** A longer setup script is not used at all: running half a script is worse than none (default 64 KB). */
  maxSetupScriptBytes?: number;
  signal?: AbortSignal | undefined;
  env?: Readonly<Record<string, string | undefined>>;
}

/** Past this an instruction file is not even read to be cut: it is not instructions. */
const HARD_LIMIT_BYTES = 1_000_000;

/**
 * Reads the repository's instructions and setup script from a commit's tree with git itself
 * (`ls-tree`, `cat-file`), so what the agent wrote into the working tree, or what a PR head
 * changed, never counts. Only regular files are read: a symlink in the tree could name a file
 * elsewhere in the repository or the host.
 */
export async function readRepoInstructions(options: ReadRepoInstructionsOptions): Promise<RepoInstructions> {
  const { gitDir, commit } = options;
  if (!/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(commit)) throw new TypeError('commit must be a full commit id');
  const maxInstruction = options.maxInstructionBytes ?? 32_000;
  const maxSetup = options.maxSetupScriptBytes ?? 64_000;
  const git = (args: string[]) =>
    runGit(args, {
      cwd: gitDir,
      signal: options.signal,
      ...(options.env ? { source: options.env } : {}),
    });

  const setupPath = options.setupScriptPath ?? SETUP_SCRIPT_PATH;
  const paths = [...INSTRUCTION_PATHS, setupPath];
  const listing = await git(['ls-tree', '-z', '-l', '--full-tree', commit, '--', ...paths]);
  const entries = new Map<string, { mode: string; type: string; object: string; size: number }>();
  for (const line of listing.split('\0')) {
    // `<mode> <type> <object> <size>\t<path>`; size is `-` for anything but a blob.
    const match = /^(\d+) (\w+) ([0-9a-f]+) +(\d+|-)\t(.*)$/s.exec(line);
    if (match === null) continue;
    const [, mode = '', type = '', object = '', size = '-', file = ''] = match;
    entries.set(file, { mode, type, object, size: size === '-' ? -1 : Number(size) });
  }

  const result: RepoInstructions = { instructions: [], setupScript: null, skipped: [] };
  for (const file of paths) {
    const entry = entries.get(file);
    if (entry === undefined) continue;
    if (entry.type !== 'blob' || (entry.mode !== '100644' && entry.mode !== '100755')) {
      result.skipped.push({ path: file, reason: 'not-a-regular-file' });
      continue;
    }
    const isSetup = file === setupPath;
    const cap = isSetup ? maxSetup : maxInstruction;
    if ((isSetup && entry.size > cap) || entry.size > HARD_LIMIT_BYTES) {
      result.skipped.push({ path: file, reason: 'too-large' });
      continue;
    }
    const text = await git(['cat-file', 'blob', entry.object]);
    if (text.includes('\0')) {
      result.skipped.push({ path: file, reason: 'binary' });
      continue;
    }
    if (isSetup) result.setupScript = text;
    else {
      const truncated = entry.size > cap;
      result.instructions.push({ path: file, text: truncated ? cutAtBytes(text, cap) : text, truncated });
    }
  }
  return result;
}

/** The longest prefix of `text` that fits in `bytes` of UTF-8, never splitting a character. */
function cutAtBytes(text: string, bytes: number): string {
  const buffer = Buffer.from(text, 'utf8');
  if (buffer.length <= bytes) return text;
  let end = bytes;
  // Step back over continuation bytes (10xxxxxx) to a character boundary.
  while (end > 0 && ((buffer[end] ?? 0) & 0xc0) === 0x80) end--;
  return buffer.subarray(0, end).toString('utf8');
}

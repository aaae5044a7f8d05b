import path from 'node:path';

/**
 * What a push carries that could arm later runs or a developer's machine, decided over the tree the
 * worker is about to push (never over the agent's own view of its checkout). Pure: the changes come
 * in, with the contents the rules asked for (`wantsContent`), and a verdict goes out.
 *
 * A change is **refused** when it must not leave the worker at all (workflows unless the repository
 * allows them, git internals, submodules) and **flagged** when a reviewer must see it before merging
 * (it runs on the next handsbot run, in an editor, in a shell, on install, or in git).
 */

export type EntryType = 'file' | 'executable' | 'symlink' | 'gitlink';

export interface TreeEntry {
  readonly type: EntryType;
  /**
   * The blob's text, for the entries `wantsContent` asked for (and symlinks: their target); `null`
   * when it could not be read (too large): rules treat that as changed, never as unchanged.
   */
  readonly content?: string | null;
}

/** One path of the diff between the base tree and the pushed one. A rename is a delete and an add. */
export interface TreeChange {
  /** As git stores it (bytes decoded as UTF-8), relative to the repository root. */
  readonly path: string;
  readonly before: TreeEntry | null;
  readonly after: TreeEntry | null;
}

export type ChangeKind = 'added' | 'modified' | 'deleted';

export interface PathFinding {
  readonly path: string;
  readonly change: ChangeKind;
  /** The rule's id (`workflow`, `editor-tasks`…): stable, for tests and logs. */
  readonly rule: string;
  /** Why the change matters, for the reviewer: one sentence of handsbot's own words. */
  readonly reason: string;
  /** What the rule found in the change (a link's target): the agent's text, to be shown as code. */
  readonly detail?: string;
}

export interface TreeChangeVerdict {
  readonly refused: readonly PathFinding[];
  readonly flagged: readonly PathFinding[];
}

export interface ClassifyOptions {
  /** The repository's `allowWorkflowChanges`: `.github/workflows` changes are flagged, not refused. */
  readonly allowWorkflowChanges: boolean;
  /** The repository's `setupScript`, when it is not the default `.openhands/setup.sh`. */
  readonly setupScript?: string;
}

interface Rule {
  readonly id: string;
  readonly action: 'refuse' | 'flag';
  readonly reason: string;
  /** Whether the rule applies; `{ detail }` when it also says what it found. */
  readonly test: (change: Subject, options: ClassifyOptions) => boolean | { readonly detail: string };
}

/** A change with its path as the strictest filesystem a checkout lands on would see it. */
interface Subject extends TreeChange {
  /** Lower-cased, NFC, ignorables dropped, `\` as `/`, trailing dots and spaces and `:streams` cut. */
  readonly key: string;
  readonly parts: readonly string[];
}

/** Paths (normalised) under which a file runs in CI with the repository's secrets. */
const WORKFLOWS = '.github/workflows';

/** Keys of package.json that run code: lifecycle and other scripts, and the package manager corepack fetches. */
const PACKAGE_JSON_KEYS = ['scripts', 'packageManager'] as const;

/** The rules in order: the first refusal wins, then the first flag. */
const RULES: readonly Rule[] = [
  {
    id: 'git-internals',
    action: 'refuse',
    reason: 'a path inside a `.git` folder would overwrite git internals (hooks, config) in a checkout',
    test: (c) => c.parts.slice(0, -1).some(isDotGit) || isDotGit(c.parts.at(-1) ?? ''),
  },
  {
    id: 'submodule',
    action: 'refuse',
    reason:
      'submodules make `git clone --recurse-submodules` fetch a URL and check out a commit the agent chose, whose content no one reviews here',
    test: (c) => c.key === '.gitmodules' || c.before?.type === 'gitlink' || c.after?.type === 'gitlink',
  },
  {
    id: 'workflow',
    action: 'refuse',
    reason:
      "GitHub Actions workflows run with the repository's secrets on the next push; `allowWorkflowChanges: true` in `.github/openhands.yml` allows them",
    test: (c, o) => !o.allowWorkflowChanges && (under(c, WORKFLOWS) || linkAbove(c, WORKFLOWS)),
  },
  {
    id: 'symlink-into-git',
    action: 'refuse',
    reason: 'a symbolic link into a `.git` folder lets later writes reach git hooks and config',
    test: (c) => c.after?.type === 'symlink' && linkTarget(c).split('/').some(isDotGit),
  },
  {
    id: 'workflow',
    action: 'flag',
    reason:
      "GitHub Actions workflows run with the repository's secrets on the next push (allowed by the repository's config)",
    test: (c) => under(c, WORKFLOWS) || linkAbove(c, WORKFLOWS),
  },
  {
    id: 'handsbot-config',
    action: 'flag',
    reason:
      'sets the confirmation policy, network, image and setup script of every later handsbot run once merged',
    test: (c) => c.key === '.github/openhands.yml' || c.key === '.github/openhands.yaml',
  },
  {
    id: 'setup-script',
    action: 'flag',
    reason: 'runs in the sandbox before every later handsbot run starts',
    test: (c, o) =>
      c.key === '.openhands/setup.sh' || (o.setupScript !== undefined && c.key === normalise(o.setupScript)),
  },
  {
    id: 'agent-instructions',
    action: 'flag',
    reason: 'instructions that later agent runs (handsbot and coding assistants) read and follow',
    test: (c) =>
      under(c, '.openhands') ||
      under(c, '.agents') ||
      under(c, '.cursor') ||
      under(c, '.claude') ||
      ['agents.md', 'claude.md', '.cursorrules', '.clinerules', '.windsurfrules'].includes(base(c)),
  },
  {
    id: 'ci-action',
    action: 'flag',
    reason: "a local GitHub Action: workflows that use it run it with the repository's secrets",
    test: (c) => under(c, '.github/actions'),
  },
  {
    id: 'github-settings',
    action: 'flag',
    reason: 'GitHub settings of the repository (code owners, Dependabot, templates, Copilot instructions)',
    test: (c) => under(c, '.github'),
  },
  {
    id: 'editor-tasks',
    action: 'flag',
    reason: 'editor settings and tasks that run commands when a developer opens the folder',
    test: (c) => under(c, '.vscode') || under(c, '.idea') || under(c, '.fleet') || under(c, '.zed'),
  },
  {
    id: 'dev-container',
    action: 'flag',
    reason: 'the dev container: its image, mounts and lifecycle commands run on a developer machine',
    test: (c) => under(c, '.devcontainer') || c.key === '.devcontainer.json',
  },
  {
    id: 'shell-environment',
    action: 'flag',
    reason: 'loaded by direnv or mise when a developer enters the folder: it can run any command',
    test: (c) =>
      ['.envrc', 'mise.toml', '.mise.toml', 'mise.local.toml', '.tool-versions'].includes(c.key) ||
      under(c, '.direnv') ||
      under(c, '.mise') ||
      under(c, '.config/mise'),
  },
  {
    id: 'git-hooks',
    action: 'flag',
    reason: 'git hooks, installed by a hook manager, run on commit, checkout or push',
    test: (c) =>
      under(c, '.husky') ||
      under(c, '.githooks') ||
      /^\.?lefthook(-local)?\.(yml|yaml|toml|json)$/.test(c.key) ||
      c.key === '.pre-commit-config.yaml' ||
      c.key === '.pre-commit-hooks.yaml' ||
      c.key === '.simple-git-hooks.json' ||
      c.key === '.simple-git-hooks.js',
  },
  {
    id: 'git-settings',
    action: 'flag',
    reason: 'git reads it in every checkout: filters, diff drivers, LFS endpoints',
    test: (c) => base(c) === '.gitattributes' || c.key === '.lfsconfig' || c.key === '.gitconfig',
  },
  {
    id: 'package-manager-config',
    action: 'flag',
    reason: 'package-manager settings: the registry, the shell scripts run in, code run on every install',
    test: (c) =>
      [
        '.npmrc',
        '.yarnrc',
        '.yarnrc.yml',
        '.pnpmfile.cjs',
        '.pnpmfile.mjs',
        'bunfig.toml',
        '.bunfig.toml',
      ].includes(base(c)) ||
      under(c, '.yarn/plugins') ||
      under(c, '.yarn/releases') ||
      under(c, '.cargo') ||
      under(c, '.mvn') ||
      under(c, 'gradle/wrapper'),
  },
  {
    id: 'package-scripts',
    action: 'flag',
    reason: 'package.json scripts run on install, test and build',
    test: (c) => base(c) === 'package.json' && packageJsonChange(c),
  },
  {
    id: 'install-code',
    action: 'flag',
    reason:
      'runs when the package is built or installed (pip install, cargo build, node-gyp), often by an editor on opening',
    test: (c) =>
      c.after !== null &&
      (base(c) === 'setup.py' ||
        base(c) === 'build.rs' ||
        base(c) === 'binding.gyp' ||
        (base(c) === 'pyproject.toml' && pyprojectBuildChange(c))),
  },
  {
    id: 'symlink-outside',
    action: 'flag',
    reason: 'a symbolic link that points outside the repository',
    test: (c) => {
      if (c.after?.type !== 'symlink' || !pointsOutside(c)) return false;
      return { detail: c.after.content ?? '(too long to read)' };
    },
  },
  {
    id: 'made-executable',
    action: 'flag',
    reason: 'an existing file was made executable',
    test: (c) => c.after?.type === 'executable' && c.before !== null && c.before.type !== 'executable',
  },
];

/** Every rule's id and reason, for documentation and tests. */
export const TREE_CHANGE_RULES: readonly Pick<Rule, 'id' | 'action' | 'reason'>[] = RULES.map(
  ({ id, action, reason }) => ({ id, action, reason }),
);

/**
 * Decides each changed path: refused by the first refusing rule that applies, else flagged by the
 * first flagging one, else neither. Both lists keep the order of `changes`.
 */
export function classifyTreeChanges(
  changes: readonly TreeChange[],
  options: ClassifyOptions,
): TreeChangeVerdict {
  const refused: PathFinding[] = [];
  const flagged: PathFinding[] = [];
  for (const change of changes) {
    const subject = toSubject(change);
    const refusal = firstMatch(subject, options, 'refuse');
    if (refusal) refused.push(refusal);
    else {
      const flag = firstMatch(subject, options, 'flag');
      if (flag) flagged.push(flag);
    }
  }
  return { refused, flagged };
}

/**
 * Whether the rules need the text of `filePath`'s blobs (before and after): JSON and TOML they parse,
 * and the targets of symbolic links. The reader fetches them; everything else is decided by path.
 */
export function wantsContent(filePath: string, type: EntryType): boolean {
  if (type === 'symlink') return true;
  const name = path.posix.basename(normalise(filePath));
  return name === 'package.json' || name === 'pyproject.toml';
}

function firstMatch(subject: Subject, options: ClassifyOptions, action: Rule['action']): PathFinding | null {
  for (const rule of RULES) {
    if (rule.action !== action) continue;
    const result = rule.test(subject, options);
    if (result === false) continue;
    return {
      path: subject.path,
      change: changeKind(subject),
      rule: rule.id,
      reason: rule.reason,
      ...(typeof result === 'object' ? { detail: result.detail } : {}),
    };
  }
  return null;
}

function changeKind(change: TreeChange): ChangeKind {
  if (change.before === null) return 'added';
  if (change.after === null) return 'deleted';
  return 'modified';
}

function toSubject(change: TreeChange): Subject {
  const key = normalise(change.path);
  return { ...change, key, parts: key.split('/') };
}

/**
 * The path as a case-insensitive, Unicode-normalising filesystem (macOS, Windows) would resolve it:
 * NFC, characters HFS+ ignores dropped, lower case, `\` as a separator, and per component the trailing
 * dots and spaces and `:stream` suffixes Windows drops. So `.GitHub/Workflows/x.yml`,
 * `.github./workflows/x.yml` and `.git\u200c/hooks` all match their rules.
 */
export function normalise(filePath: string): string {
  return filePath
    .normalize('NFC')
    .replace(/\p{Default_Ignorable_Code_Point}/gu, '')
    .toLowerCase()
    .replace(/\\/g, '/')
    .split('/')
    .filter((part) => part !== '' && part !== '.')
    .map((part) => (/^\.+$/.test(part) ? part : part.replace(/:.*$/s, '').replace(/[. ]+$/, '')))
    .join('/');
}

/** `.git`, and the names a checkout resolves to it: the 8.3 short name on Windows. */
function isDotGit(part: string): boolean {
  return part === '.git' || part === 'git~1';
}

function base(change: Subject): string {
  return change.parts.at(-1) ?? '';
}

function under(change: Subject, folder: string): boolean {
  return change.key === folder || change.key.startsWith(`${folder}/`);
}

/** A link (or gitlink) at a folder above `folder`: what is written under it lands elsewhere. */
function linkAbove(change: Subject, folder: string): boolean {
  const type = change.after?.type ?? change.before?.type;
  return (type === 'symlink' || type === 'gitlink') && folder.startsWith(`${change.key}/`);
}

function linkTarget(change: Subject): string {
  return normalise(change.after?.content ?? '');
}

function pointsOutside(change: Subject): boolean {
  const target = change.after?.content;
  if (target === undefined || target === null) return true;
  const unified = target.replace(/\\/g, '/');
  // An absolute target, a drive letter, or a home directory: never inside a checkout.
  if (unified.startsWith('/') || /^[a-z]:/i.test(unified) || unified.startsWith('~')) return true;
  const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(change.path), unified));
  return resolved === '..' || resolved.startsWith('../');
}

/** `scripts` or `packageManager` differ between the parsed files (an unreadable side counts as changed). */
function packageJsonChange(change: Subject): boolean {
  if (change.after === null) return false;
  const after = parseJson(change.after.content);
  if (after === undefined) return true;
  const before = change.before ? parseJson(change.before.content) : {};
  if (before === undefined) return true;
  return PACKAGE_JSON_KEYS.some((key) => canonical(field(before, key)) !== canonical(field(after, key)));
}

function parseJson(text: string | null | undefined): unknown {
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, key)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

/** JSON with keys sorted, so reordering a file's scripts is no change. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

/**
 * The build configuration of a `pyproject.toml` differs: `[build-system]` (the backend pip runs) and
 * build hooks under `[tool.*]` (hatch, poetry, setuptools `cmdclass`). Compared as the lines of those
 * tables, whitespace-trimmed and comments dropped: a TOML layout change there is flagged too, which
 * is cheaper than missing a rewritten backend.
 */
function pyprojectBuildChange(change: Subject): boolean {
  const after = change.after?.content;
  if (after === null || after === undefined) return true;
  const before = change.before ? change.before.content : '';
  if (before === null || before === undefined) return true;
  return buildLines(before) !== buildLines(after);
}

const BUILD_TABLE = /^\[\[?\s*("?build-system"?|tool\.[^\]]*(build|hook|cmdclass|script)[^\]]*)\s*\]\]?/i;

function buildLines(text: string): string {
  const kept: string[] = [];
  let inBuildTable = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('[')) inBuildTable = BUILD_TABLE.test(line);
    // A dotted key (`build-system.requires = …`) sets the table outside its header.
    if (inBuildTable || /^"?(build-system|tool)"?\s*\./.test(line)) kept.push(line);
  }
  return kept.join('\n');
}

import path from 'node:path';
import { parseShell } from '../shell/parse-shell.js';
import type { ShellCommand } from '../shell/shell-ir.js';
import { outputText } from '../shell/stdin-text.js';

/**
 * What the agent's persistent bash remembers from the commands it already ran, as far as their text
 * tells: a hostile agent splits an attack over several commands (`alias ls='rm -rf ~'`, then `ls`), so
 * each command is rated in the state the earlier ones left. Derived by parsing, never by running.
 */
export interface ShellSession {
  /** Where the next command starts, as `parseShell` tracks it: a path, `~/...`, or `?` when unknown. */
  readonly cwd: string;
  /** Shell variables, oldest first: name → the value as written (`"rm -rf ~"`), to be declared again. */
  readonly variables: ReadonlyMap<string, string>;
  /** Variables in the environment of the programs the shell starts. */
  readonly exported: ReadonlySet<string>;
  /** name → the text the alias stands for. */
  readonly aliases: ReadonlyMap<string, string>;
  /** name → the whole definition as written (`f(){ "$@"; }`). */
  readonly functions: ReadonlyMap<string, string>;
  /**
   * Code the shell runs by itself around later commands, by a label (`trap DEBUG`, `PROMPT_COMMAND`):
   * traps, the prompt hooks of the interactive shell, `command_not_found_handle`.
   */
  readonly hooks: ReadonlyMap<string, string>;
  /**
   * Files the session wrote with text its commands spell out (`echo ... > f`, `cat > f <<EOF`), by path
   * as `sessionPath` resolves it: running or sourcing one later runs that text.
   */
  readonly files: ReadonlyMap<string, string>;
}

export const EMPTY_SHELL_SESSION: ShellSession = {
  cwd: '',
  variables: new Map(),
  exported: new Set(),
  aliases: new Map(),
  functions: new Map(),
  hooks: new Map(),
  files: new Map(),
};

/** Variables the interactive shell expands or runs before or after every command line. */
export const HOOK_VARIABLES = new Set(['PROMPT_COMMAND', 'PS0', 'PS1', 'PS2', 'PS4']);
/** In the environment of every shell already: assigning one changes what programs see. */
const ALWAYS_EXPORTED = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'LC_ALL', 'TERM', 'USER', 'SHELL'];
const DECLARATIONS = new Set(['export', 'declare', 'typeset', 'local', 'readonly']);

interface FoldState {
  cwd: string;
  variables: Map<string, string>;
  exported: Set<string>;
  aliases: Map<string, string>;
  functions: Map<string, string>;
  hooks: Map<string, string>;
  files: Map<string, string>;
  allExport: boolean;
}

/**
 * The last history folded, kept so the next rating (the same history and one more command, as the
 * agent goes on) folds only what is new: a long run would otherwise parse its whole history per step.
 */
let lastFold: { workspaceRoot: string; history: readonly string[]; state: FoldState } | undefined;

/**
 * Folds the commands of one terminal session, oldest first, into the state they leave. Removals
 * (`unalias`, `unset`, `trap - SIG`) are not applied: the analyzer cannot tell whether they ran (they
 * may sit behind `false &&`), and keeping a definition can only make later ratings stricter.
 */
export function deriveShellSession(history: readonly string[], workspaceRoot: string): ShellSession {
  const reuse =
    lastFold !== undefined &&
    lastFold.workspaceRoot === workspaceRoot &&
    lastFold.history.length <= history.length &&
    lastFold.history.every((entry, index) => entry === history[index]);
  const state = reuse && lastFold !== undefined ? copyState(lastFold.state) : freshState(workspaceRoot);
  for (const entry of history.slice(reuse ? (lastFold?.history.length ?? 0) : 0)) foldEntry(entry, state);
  lastFold = { workspaceRoot, history: [...history], state: copyState(state) };
  return sessionOf(state);
}

/** What one command defines, starting in `cwd`: not remembered, so the session's fold stays reusable. */
export function definitionsOf(command: string, cwd: string): ShellSession {
  const state = freshState(cwd);
  foldEntry(command, state);
  return sessionOf(state);
}

function sessionOf(state: FoldState): ShellSession {
  const { allExport, ...session } = state;
  return session;
}

function freshState(workspaceRoot: string): FoldState {
  return {
    cwd: workspaceRoot,
    variables: new Map(),
    exported: new Set(ALWAYS_EXPORTED),
    aliases: new Map(),
    functions: new Map(),
    hooks: new Map(),
    files: new Map(),
    allExport: false,
  };
}

function copyState(state: FoldState): FoldState {
  return {
    cwd: state.cwd,
    variables: new Map(state.variables),
    exported: new Set(state.exported),
    aliases: new Map(state.aliases),
    functions: new Map(state.functions),
    hooks: new Map(state.hooks),
    files: new Map(state.files),
    allExport: state.allExport,
  };
}

/** `source f` of a file the session wrote, which sources another...: past this, stop. */
const MAX_SOURCE_DEPTH = 4;

function foldEntry(entry: string, state: FoldState, depth = 0): void {
  if (entry.trim() === '' || depth > MAX_SOURCE_DEPTH) return;
  const parsed = parseShell(entry, state.cwd);
  for (const fn of parsed.functions) {
    if (fn.name === '') continue;
    moveToEnd(state.functions, fn.name, fn.raw);
    if (fn.name === 'command_not_found_handle') state.hooks.set(fn.name, fn.raw);
  }
  for (const command of parsed.commands) {
    const name = command.words[0]?.value;
    if (name === 'set' && command.words.some((w) => w.value === '-a' || w.value === 'allexport'))
      state.allExport = true;
    if (command.words.length === 0 || (name !== undefined && DECLARATIONS.has(name))) {
      recordAssignments(command, state, state.allExport || name === 'export' || exportFlag(command));
    }
    if (name === 'alias') recordAliases(command, state.aliases);
    if (name === 'trap') recordTrap(command, state.hooks);
    recordWrites(command, state.files);
    // `source f` / `. f` runs f in this shell: what it defines, the session keeps.
    const sourced = name === 'source' || name === '.' ? command.words[1] : undefined;
    const text = sourced === undefined ? undefined : state.files.get(sessionPath(sourced.value, command.cwd));
    if (text !== undefined) foldEntry(text, state, depth + 1);
  }
  state.cwd = cwdAfter(entry, parsed.commands, state.cwd);
}

/** A path as the session's file map keys it: absolute, or under `~`, from the directory it was used in. */
export function sessionPath(file: string, cwd: string): string {
  if (file.startsWith('/') || file === '~' || file.startsWith('~/')) return path.posix.normalize(file);
  return path.posix.join(cwd, file);
}

function recordWrites(command: ShellCommand, files: Map<string, string>): void {
  for (const redirect of command.redirects) {
    if ((redirect.op !== '>' && redirect.op !== '>>') || redirect.target === undefined) continue;
    if (redirect.target.dynamic) continue;
    const file = sessionPath(redirect.target.value, command.cwd);
    const text = outputText(command);
    if (text === undefined) files.delete(file);
    else files.set(file, redirect.op === '>>' ? `${files.get(file) ?? ''}${text}` : text);
  }
}

/** True when the session holds nothing that changes how a later command is read. */
export function isEmptySession(session: ShellSession, workspaceRoot: string): boolean {
  return (
    (session.cwd === workspaceRoot || session.cwd === '') &&
    session.variables.size === 0 &&
    session.aliases.size === 0 &&
    session.functions.size === 0 &&
    session.hooks.size === 0
  );
}

function moveToEnd<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
}

function exportFlag(command: ShellCommand): boolean {
  return command.words.slice(1).some((w) => /^-[a-zA-Z]*x/.test(w.value));
}

function recordAssignments(
  command: ShellCommand,
  state: { variables: Map<string, string>; exported: Set<string>; hooks: Map<string, string> },
  exported: boolean,
): void {
  for (const { name, value } of command.assignments) {
    moveToEnd(state.variables, name, value.raw);
    if (HOOK_VARIABLES.has(name)) state.hooks.set(name, hookScript(name, value.value));
    if (exported) state.exported.add(name);
  }
  // `export NAME` exports a variable set earlier.
  if (exported) {
    for (const word of command.words.slice(1)) {
      if (/^[A-Za-z_]\w*$/.test(word.value)) state.exported.add(word.value);
    }
  }
}

function recordAliases(command: ShellCommand, aliases: Map<string, string>): void {
  for (const word of command.words.slice(1)) {
    const eq = word.value.indexOf('=');
    if (eq > 0) moveToEnd(aliases, word.value.slice(0, eq), word.value.slice(eq + 1));
  }
}

/** `trap 'code' SIG...`: the code runs on each signal named (DEBUG: before every simple command). */
function recordTrap(command: ShellCommand, hooks: Map<string, string>): void {
  const args = command.words.slice(1).filter((w) => w.value !== '--');
  if (args[0]?.value.startsWith('-') === true && args[0].value !== '-') return; // `trap -l`, `trap -p`
  const [code, ...signals] = args;
  if (code === undefined || signals.length === 0 || code.value === '-' || code.value === '') return;
  for (const signal of signals) hooks.set(`trap ${signal.value}`, code.dynamic ? code.raw : code.value);
}

/** PROMPT_COMMAND is run as a command line; prompt strings are expanded, so their substitutions run. */
function hookScript(name: string, value: string): string {
  return name === 'PROMPT_COMMAND' ? value : `: ${value}`;
}

/**
 * The directory the shell is in after `entry`: `parseShell` tracks `cd` through a script, so a probe
 * command added at the end tells where it ends. When the probe cannot tell, a script that changes
 * directory leaves us not knowing where.
 */
function cwdAfter(entry: string, commands: readonly ShellCommand[], cwd: string): string {
  const moves = commands.some((c) => ['cd', 'pushd', 'popd'].includes(c.words[0]?.value ?? ''));
  if (!moves) return cwd;
  if (commands.some((c) => c.words[0]?.value === 'popd')) return '?';
  const probe = parseShell(`${entry}\n:`, cwd);
  const last = probe.commands.at(-1);
  return probe.ok && last?.raw === ':' ? last.cwd : '?';
}

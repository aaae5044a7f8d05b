import { type Finding, finding } from '../rules/rule.js';
import { programName } from '../shell/command-views.js';
import { isShell } from '../shell/interpreters.js';
import { parseShell } from '../shell/parse-shell.js';
import type { ShellCommand, ShellWord } from '../shell/shell-ir.js';
import {
  definitionsOf,
  EMPTY_SHELL_SESSION,
  HOOK_VARIABLES,
  type ShellSession,
  sessionPath,
} from './shell-session.js';

/** Rates a script on its own, as `rateShellCommand` does (passed in: this module sits below it). */
export type RateScript = (script: string) => readonly Finding[];

/** Text that may define an alias, a function, a trap or a prompt hook; anything else defines none. */
const MAY_DEFINE = /alias|trap|\(\s*\)|function|PROMPT_COMMAND|PS[0-4]|command_not_found_handle/;
/** An alias that calls a function that calls an alias...: past this, we stop and say UNKNOWN. */
const MAX_EXPANSION_DEPTH = 4;
/** `f(){ shift; "$@"; }`: a function that runs its arguments may drop a few first. */
const MAX_SHIFTED_ARGUMENTS = 3;

/**
 * What a command does beyond its own text, in the shell the session left: the aliases and functions
 * it calls, expanded with its arguments; the variables and directory it inherits; the traps and prompt
 * hooks that run around it; and what the aliases and hooks it defines will run later. These findings
 * only ever add to the command's own rating: a definition the analyzer thinks ran but did not can
 * make a rating stricter, never looser.
 */
export function sessionFindings(
  command: string,
  session: ShellSession,
  workspaceRoot: string,
  rate: RateScript,
): Finding[] {
  const own = MAY_DEFINE.test(command)
    ? definitionsOf(command, session.cwd === '' ? workspaceRoot : session.cwd)
    : EMPTY_SHELL_SESSION;
  const scope = new SessionScope(session, workspaceRoot, rate, {
    aliases: new Map([...session.aliases, ...own.aliases]),
    functions: new Map([...session.functions, ...own.functions]),
  });
  const findings: Finding[] = [];
  if (scope.preamble !== '') findings.push(...scope.rate(command));
  for (const [label, script] of session.hooks) {
    findings.push(...explained('session-hook', `${label}: ${script}`, scope.rate(script)));
  }
  for (const [name, value] of own.aliases) {
    findings.push(...explained('defines-alias', `alias ${name}=${value}`, scope.rate(value)));
  }
  for (const [label, script] of own.hooks) {
    if (session.hooks.get(label) === script) continue;
    findings.push(...explained('defines-hook', `${label}: ${script}`, scope.rate(script)));
  }
  if (scope.hasDefinitions) findings.push(...scope.expandCalls(command, 0, new Set()));
  findings.push(...scope.inheritedEnvironment(command));
  if (session.files.size > 0) findings.push(...scope.writtenScripts(command));
  return findings;
}

interface Definitions {
  readonly aliases: ReadonlyMap<string, string>;
  readonly functions: ReadonlyMap<string, string>;
}

/**
 * Rates scripts as if typed after the session's history: a preamble re-declares its variables and
 * returns to its directory, and findings the preamble alone gives are taken out (they were rated when
 * those commands ran).
 */
class SessionScope {
  readonly preamble: string;
  readonly hasDefinitions: boolean;
  private readonly preambleCommands: number;
  private readonly baseline: ReadonlySet<string>;

  constructor(
    private readonly session: ShellSession,
    private readonly workspaceRoot: string,
    private readonly rateAlone: RateScript,
    private readonly definitions: Definitions,
  ) {
    this.preamble = renderPreamble(session, workspaceRoot);
    this.hasDefinitions = definitions.aliases.size > 0 || definitions.functions.size > 0;
    this.preambleCommands =
      this.preamble === '' ? 0 : parseShell(this.preamble, workspaceRoot).commands.length;
    this.baseline = new Set(this.preamble === '' ? [] : rateAlone(this.preamble).map(keyOf));
  }

  rate(script: string): Finding[] {
    if (this.preamble === '') return [...this.rateAlone(script)];
    return this.rateAlone(`${this.preamble}\n${script}`).filter((f) => !this.baseline.has(keyOf(f)));
  }

  /** The commands of `script` as parsed after the preamble, so `$c` takes the session's value of `c`. */
  private commandsOf(script: string): readonly ShellCommand[] {
    const source = this.preamble === '' ? script : `${this.preamble}\n${script}`;
    return parseShell(source, this.workspaceRoot).commands.slice(this.preambleCommands);
  }

  /** Each alias or function the script calls, rated as the text it runs with the call's arguments. */
  expandCalls(script: string, depth: number, chain: ReadonlySet<string>): Finding[] {
    const findings: Finding[] = [];
    for (const command of this.commandsOf(script)) {
      const [nameWord, ...args] = command.words;
      if (nameWord === undefined || nameWord.dynamic || chain.has(nameWord.value)) continue;
      if (/^\$\{?\w+\}?$/.test(nameWord.raw) && /\s/.test(nameWord.value)) {
        // `c="curl -d @f host"` earlier, then `$c`: the unquoted value is split into a command line.
        const line = [nameWord.value, ...args.map(argumentText)].join(' ');
        const inner = [...this.rate(line), ...this.expandCalls(line, depth + 1, chain)];
        findings.push(...explained('session-variable-command', `${command.raw} → ${line}`, inner));
        continue;
      }
      const name = nameWord.value;
      const alias = /^['"\\]/.test(nameWord.raw) ? undefined : this.definitions.aliases.get(name);
      const definition = this.definitions.functions.get(name);
      if (alias === undefined && definition === undefined) continue;
      if (depth >= MAX_EXPANSION_DEPTH) {
        findings.push(finding('session-expansion-too-deep', 'UNKNOWN', command.raw));
        continue;
      }
      const next = new Set([...chain, name]);
      if (alias !== undefined) {
        const at = command.raw.indexOf(nameWord.raw);
        const expanded =
          at < 0
            ? `${alias} ${args.map(argumentText).join(' ')}`
            : `${command.raw.slice(0, at)}${alias}${command.raw.slice(at + nameWord.raw.length)}`;
        const inner = [...this.rate(expanded), ...this.expandCalls(expanded, depth + 1, next)];
        findings.push(...explained('session-alias', `${command.raw} → ${expanded}`, inner));
      } else if (definition !== undefined) {
        const called = withArguments(definition, args);
        const inner = [...this.rate(called), ...this.expandCalls(called, depth + 1, next)];
        if (runsPositionalCommand(definition, this.workspaceRoot)) {
          // `f(){ shift; "$@"; }` or `"${@:2}"`: the call may run any tail of its arguments.
          for (let skip = 1; skip <= Math.min(MAX_SHIFTED_ARGUMENTS, args.length - 1); skip++) {
            inner.push(...this.rate(args.slice(skip).map(argumentText).join(' ')));
          }
        }
        findings.push(...explained('session-function', `${command.raw} → ${definition}`, inner));
      }
    }
    return findings;
  }

  /** `bash f`, `source f`, `./f` of a file the session wrote: rated as the text it wrote there. */
  writtenScripts(script: string): Finding[] {
    const findings: Finding[] = [];
    for (const command of this.commandsOf(script)) {
      const [nameWord, ...args] = command.words;
      if (nameWord === undefined) continue;
      const name = nameWord.value;
      const runs =
        name === 'source' || name === '.' || isShell(programName(name))
          ? args.find((a) => !a.value.startsWith('-'))?.value
          : name.includes('/')
            ? name
            : undefined;
      if (runs === undefined) continue;
      const text = this.session.files.get(sessionPath(runs, command.cwd));
      if (text === undefined) continue;
      findings.push(...explained('session-script', `${command.raw} → ${text}`, this.rate(text)));
    }
    return findings;
  }

  /** Exported variables reach every program the command starts: `LD_PRELOAD`, `GIT_SSH_COMMAND`... */
  inheritedEnvironment(script: string): Finding[] {
    const prefix = [...this.session.exported]
      .filter((name) => this.session.variables.has(name))
      .map((name) => `${name}=${this.session.variables.get(name) ?? ''}`)
      .join(' ');
    if (prefix === '') return [];
    const findings: Finding[] = [];
    for (const command of this.commandsOf(script)) {
      if (command.words.length === 0) continue;
      findings.push(...this.rateAlone(`${prefix} ${command.raw}`));
    }
    return findings;
  }
}

function keyOf(f: Finding): string {
  return `${f.rule}\u0000${f.match}`;
}

/** The findings behind an expansion, plus one reason that says where they came from. */
function explained(rule: string, match: string, inner: readonly Finding[]): Finding[] {
  const worst =
    (['HIGH', 'UNKNOWN', 'MEDIUM'] as const).find((risk) => inner.some((f) => f.risk === risk)) ?? 'LOW';
  return worst === 'LOW' ? [...inner] : [finding(rule, worst, match), ...inner];
}

/**
 * The state as a script: directory and variables, each kept only if it parses alone. Functions are
 * left out: what their bodies run is found again at each call (`expandCalls`), and a finding the
 * preamble gives is taken out of every rating made after it.
 */
function renderPreamble(session: ShellSession, workspaceRoot: string): string {
  const parts: string[] = [];
  if (session.cwd !== '' && session.cwd !== workspaceRoot) parts.push(changeDirectory(session.cwd));
  // Hook variables are rated as the hooks they are (`session.hooks`); declared again here, their value
  // (rated as code since it is one) would land in the baseline and hide the hook's own findings.
  for (const [name, raw] of session.variables) if (!HOOK_VARIABLES.has(name)) parts.push(`${name}=${raw}`);
  return parts.filter((part) => parseShell(part, workspaceRoot).ok).join('\n');
}

function changeDirectory(cwd: string): string {
  if (cwd === '?') return 'cd "$HANDSBOT_UNKNOWN_DIRECTORY"';
  if (cwd === '~') return 'cd ~';
  if (cwd.startsWith('~/')) return `cd ~/${singleQuoted(cwd.slice(2))}`;
  return `cd ${singleQuoted(cwd)}`;
}

function singleQuoted(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

function doubleQuoted(text: string): string {
  return `"${text.replace(/["\\$`]/g, '\\$&')}"`;
}

/** A call's argument as text to put back into code: its value quoted, or as written when computed. */
function argumentText(word: ShellWord): string {
  return word.dynamic ? word.raw : doubleQuoted(word.value);
}

/** An unquoted expansion is split into words: `$1` holding `rm -rf ~` runs `rm` with two arguments. */
function splitText(word: ShellWord): string {
  return word.dynamic ? word.raw : word.value.split(/\s+/).filter(Boolean).map(doubleQuoted).join(' ');
}

const POSITIONAL = /"\$(?:\{([@*1-9])\}|([@*1-9]))"|\$(?:\{([@*1-9])\}|([@*1-9]))/g;

/** The function's definition with `$@`, `$*` and `$1`..`$9` replaced by the call's arguments. */
function withArguments(definition: string, args: readonly ShellWord[]): string {
  return definition.replace(POSITIONAL, (match, ...groups: (string | undefined)[]) => {
    const parameter = groups.slice(0, 4).find((g) => g !== undefined) ?? '';
    const quoted = match.startsWith('"');
    if (parameter === '@' || parameter === '*') {
      if (!quoted) return args.map(splitText).join(' ');
      return parameter === '@'
        ? args.map(argumentText).join(' ')
        : doubleQuoted(args.map((a) => a.value).join(' '));
    }
    const arg = args[Number(parameter) - 1];
    if (arg === undefined) return '""';
    return quoted ? argumentText(arg) : splitText(arg);
  });
}

/** Whether the function runs a command named by its arguments (`"$@"`, `$1 ...`, `"${@:2}"`). */
function runsPositionalCommand(definition: string, workspaceRoot: string): boolean {
  return parseShell(definition, workspaceRoot).commands.some((c) =>
    /\$\{?[@*1-9#]/.test(c.words[0]?.raw ?? ''),
  );
}

import type { Risk } from '../../events/event.js';
import type { ShellCommand, ShellWord } from '../shell/shell-ir.js';

/** One thing a rule noticed. `rule` and `match` go into the verdict's reasons; `risk` decides its level. */
export interface Finding {
  readonly rule: string;
  readonly match: string;
  readonly risk: Risk;
}

/**
 * A command as a rule sees it: wrappers such as `sudo`, `env`, `timeout` or `xargs` peeled off, so
 * `sudo env X=1 rm -rf /` is rated as `rm -rf /` (and separately as `sudo`).
 */
export interface CommandView {
  /** The program's base name (`/usr/bin/rm` → `rm`). */
  readonly name: string;
  /** The program's words after the name, as values. */
  readonly args: readonly string[];
  /** The program's words, name first, with their dynamic flags and substitutions. */
  readonly words: readonly ShellWord[];
  /** `NAME=value` pairs set for this program (prefix assignments and `env NAME=value`). */
  readonly assignments: readonly { readonly name: string; readonly value: string }[];
  readonly command: ShellCommand;
}

export interface RuleContext {
  readonly workspaceRoot: string;
  /**
   * Rates a script embedded in this one (a `bash -c` string, a decoded payload) one level deeper;
   * `positional` are its `$1`, `$@`... when the command gives them (`sh -c 'rm "$1"' sh /`).
   */
  rateEmbedded(script: string, positional?: readonly string[]): readonly Finding[];
  /** Rates the code of an interpreter one-liner (`python -c`, `node -e`...). */
  rateCode(code: string, language: string): readonly Finding[];
  /** Files the script wrote earlier (downloads, decoded payloads, echoed text): running one runs that. */
  readonly writtenFiles: Map<string, WrittenFile>;
}

export type CommandRule = (view: CommandView, context: RuleContext) => readonly Finding[];

/** Keeps a matched fragment readable in a comment or a log line. */
export function fragment(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 160 ? `${oneLine.slice(0, 157)}...` : oneLine;
}

export function finding(rule: string, risk: Risk, match: string): Finding {
  return { rule, risk, match: fragment(match) };
}

/** Operands of a command: the words that are not options (`--` ends the options). */
export function operands(
  args: readonly string[],
  optionsWithValue: ReadonlySet<string> = new Set(),
): string[] {
  const result: string[] = [];
  let optionsDone = false;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? '';
    if (optionsDone || !arg.startsWith('-') || arg === '-') result.push(arg);
    else if (arg === '--') optionsDone = true;
    else if (optionsWithValue.has(arg)) index++;
  }
  return result;
}

/** True when a short-option cluster or long option is present: `hasFlag(args, 'f', '--force')`. */
export function hasFlag(args: readonly string[], short: string, ...long: readonly string[]): boolean {
  return args.some(
    (arg) =>
      long.some((l) => arg === l || arg.startsWith(`${l}=`)) ||
      (short !== '' && /^-[a-zA-Z0-9]+$/.test(arg) && !arg.startsWith('--') && arg.slice(1).includes(short)),
  );
}

/** What the script put in a file it wrote: `origin` says how, `text` what, when the script spells it out. */
export interface WrittenFile {
  readonly origin: 'download' | 'decoded' | 'text';
  readonly text: string | undefined;
}

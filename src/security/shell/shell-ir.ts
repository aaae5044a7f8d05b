/**
 * A small intermediate form of a shell script, built from the tree-sitter CST by `parseShell`. Rules
 * look at this form, never at the CST, so the grammar can be swapped without touching any rule.
 */

export interface ShellWord {
  /** The value after quote removal and escape processing; unresolved expansions stay as source text. */
  readonly value: string;
  /** True when part of the value is only known at run time (an unresolved variable or a substitution). */
  readonly dynamic: boolean;
  /** Commands run by `$(...)`, backticks, `<(...)` or `>(...)` inside this word. */
  readonly substitutions: readonly ShellCommand[];
  /** The whole word is a process substitution (`<(...)` / `>(...)`): a path to another command's output. */
  readonly processSubstitution: boolean;
  /** The word as written. */
  readonly raw: string;
  /**
   * Normalisation changed the value: invisible, bidi, tag or control characters were stripped, or NFKC
   * folded a look-alike (`ｒｍ`). The value is the normalised form.
   */
  readonly disguised: boolean;
}

export interface ShellRedirect {
  /** `>`, `>>`, `<`, `&>`, `>&`, `<<`, `<<<`... */
  readonly op: string;
  /** The file (or fd) redirected to or from; for a here-string, the word it feeds. */
  readonly target: ShellWord | undefined;
  /** The text fed on stdin by a heredoc or here-string. */
  readonly body: string | undefined;
  readonly raw: string;
}

export interface ShellCommand {
  readonly raw: string;
  /** The command name followed by its arguments. */
  readonly words: readonly ShellWord[];
  /** `NAME=value` prefixes (`LD_PRELOAD=x cmd`), and standalone assignments as commands without words. */
  readonly assignments: readonly { readonly name: string; readonly value: ShellWord }[];
  readonly redirects: ShellRedirect[];
  /** The stages before this command in its pipeline, nearest last: what it reads on stdin. */
  pipedFrom: (readonly ShellCommand[])[];
  /** The stages after this command in its pipeline, nearest first: who reads its stdout. */
  pipedTo: (readonly ShellCommand[])[];
  /** The directory the command runs in, as far as `cd` earlier in the script tells. */
  readonly cwd: string;
}

export interface ShellFunction {
  readonly name: string;
  readonly raw: string;
  /** Names of the commands its body runs. */
  readonly calls: readonly string[];
}

/** Something the script made the parser unable to resolve: it is rated UNKNOWN with this reason. */
export interface Unresolved {
  readonly reason: string;
  readonly fragment: string;
}

export type ParsedScript =
  | {
      readonly ok: true;
      readonly commands: readonly ShellCommand[];
      readonly functions: readonly ShellFunction[];
      readonly unresolved: readonly Unresolved[];
    }
  | {
      readonly ok: false;
      readonly error: string;
      readonly fragment: string;
      /** What could be read around the error, still worth rating: a HIGH finding there stays HIGH. */
      readonly commands: readonly ShellCommand[];
      readonly functions: readonly ShellFunction[];
      readonly unresolved: readonly Unresolved[];
    };

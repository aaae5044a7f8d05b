import type { Node } from 'web-tree-sitter';
import type { ShellCommand, ShellFunction, ShellWord, Unresolved } from './shell-ir.js';

/** A variable the script set: a scalar, an array, or one whose value depends on a branch taken. */
export type ShellValue =
  | { readonly kind: 'scalar'; readonly word: ShellWord }
  | { readonly kind: 'array'; readonly elements: readonly ShellWord[] }
  | { readonly kind: 'ambiguous' };

/** What the parser knows of the shell while it walks a script, in source order. */
export interface WalkState {
  readonly vars: Map<string, ShellValue>;
  /** `$1`, `$@`...: known inside a function called in the script or a `bash -c CODE arg0 args`. */
  positional: readonly ShellWord[] | undefined;
  /** Functions defined so far, by name, with their bodies (walked again at each call). */
  readonly definitions: Map<string, Node>;
  /** Functions on the call stack: a recursive call is not walked again. */
  readonly callStack: string[];
  readonly called: Set<string>;
  /** Names assigned inside each enclosing conditional construct (innermost last). */
  readonly assignedIn: Set<string>[];
  readonly commands: ShellCommand[];
  readonly functions: ShellFunction[];
  readonly unresolved: Unresolved[];
  cwd: string;
  /** Walks a nested statement (a substitution) and returns the commands it runs at its own level. */
  readonly walk: (node: Node) => ShellCommand[];
}

export function setVariable(st: WalkState, name: string, value: ShellValue): void {
  st.vars.set(name, value);
  st.assignedIn.at(-1)?.add(name);
}

export function literal(value: string): ShellWord {
  return {
    value,
    dynamic: false,
    substitutions: [],
    processSubstitution: false,
    raw: value,
    disguised: false,
  };
}

/** `$IFS` as the script left it: `undefined` when it cannot be known. */
export function fieldSeparators(st: WalkState): string | undefined {
  const ifs = st.vars.get('IFS');
  if (ifs === undefined) return ' \t\n';
  if (ifs.kind !== 'scalar' || ifs.word.dynamic) return undefined;
  return ifs.word.value;
}

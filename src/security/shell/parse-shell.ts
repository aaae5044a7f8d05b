import { createRequire } from 'node:module';
import path from 'node:path';
import { Language, type Node, Parser, type Tree } from 'web-tree-sitter';
import { evalFields, evalWord } from './evaluate-word.js';
import type { ParsedScript, ShellCommand, ShellRedirect, ShellWord } from './shell-ir.js';
import { trackShellState } from './track-shell-state.js';
import { literal, setVariable, type WalkState } from './walk-state.js';

/*
 * The bash grammar of tree-sitter (the one editors and GitHub use), run as WebAssembly so nothing is
 * built natively. Loading is asynchronous, so it happens once when this module is first imported; the
 * parse itself is synchronous and takes tens of microseconds, which keeps `rateShellCommand` a plain
 * function.
 */
const require = createRequire(import.meta.url);
await Parser.init();
const bash = await Language.load(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm'));
const parser = new Parser();
parser.setLanguage(bash);

/** Longer inputs are not parsed: nobody types a 64 KB command, and the rating must stay cheap. */
export const MAX_COMMAND_LENGTH = 64 * 1024;
/** A function calling functions: past this depth the calls are not followed (and say so). */
const MAX_CALL_DEPTH = 4;
/** A `for` loop over literal words is walked once per word up to this many. */
const MAX_LOOP_WORDS = 16;

/**
 * A brace expansion in command position (`{rm,-rf,~}`) reads to tree-sitter as an unclosed `{ ...; }`
 * group. Bash expands it; so do we, by escaping the brace (`\{rm,-rf,~}`), which tree-sitter reads as
 * a word. Quote removal does not keep track of escapes, so the evaluator still expands it, as bash
 * would have the brace as written.
 */
const COMMAND_POSITION_BRACES = /(^|[;&|(\n]\s*|\s)\{(?=[^\s{}'"]*,[^\s{}]*\})/g;

export interface ParseOptions {
  /** `$1`, `$@`... when the caller knows them (`bash -c CODE arg0 args`); unknown otherwise. */
  readonly positional?: readonly string[];
}

/**
 * Parses a script into the commands it would run, in source order, including those inside
 * substitutions, function bodies and every branch (all branches count: we cannot know which runs).
 * Variables, arrays, `$IFS`, functions and positional parameters the script sets are followed, so the
 * words of each command are the ones bash would run. `cwd` is where the script starts; `cd` with a
 * literal path moves it, anything else makes it `?`.
 */
export function parseShell(source: string, cwd: string, options: ParseOptions = {}): ParsedScript {
  const st = newState(cwd, options);
  if (source.length > MAX_COMMAND_LENGTH)
    return failed(st, 'command too long to analyse', source.slice(0, 80));
  let tree = parser.parse(source);
  if (tree === null) return failed(st, 'the parser returned no tree', source.slice(0, 80));
  if (tree.rootNode.hasError) tree = reparseCommandBraces(source, tree);
  try {
    walk(tree.rootNode, st);
    walkUncalledFunctions(st);
    const { commands, functions, unresolved } = st;
    if (!tree.rootNode.hasError) return { ok: true, commands, functions, unresolved };
    const bad = findError(tree.rootNode);
    const fragment =
      bad === undefined ? source : source.slice(Math.max(0, bad.startIndex - 20), bad.endIndex + 20);
    const error = bad?.isMissing === true ? `missing ${bad.type}` : 'syntax error';
    return { ok: false, error, fragment: fragment || source.slice(0, 80), commands, functions, unresolved };
  } finally {
    // The tree lives in WebAssembly memory: without this every rating would leak it.
    tree.delete();
  }
}

function newState(cwd: string, options: ParseOptions): WalkState {
  const st: WalkState = {
    vars: new Map(),
    positional: options.positional?.map(literal),
    definitions: new Map(),
    callStack: [],
    called: new Set(),
    assignedIn: [],
    commands: [],
    functions: [],
    unresolved: [],
    cwd,
    walk: (node) => walk(node, st),
  };
  return st;
}

function failed(st: WalkState, error: string, fragment: string): ParsedScript {
  return { ok: false, error, fragment, commands: [], functions: [], unresolved: st.unresolved };
}

function reparseCommandBraces(source: string, tree: Tree): Tree {
  const rewritten = source.replace(COMMAND_POSITION_BRACES, '$1\\{');
  if (rewritten === source) return tree;
  const second = parser.parse(rewritten);
  if (second === null || second.rootNode.hasError) {
    second?.delete();
    return tree;
  }
  tree.delete();
  return second;
}

function findError(node: Node): Node | undefined {
  if (node.isError || node.isMissing) return node;
  for (const child of node.children) {
    if (child.hasError || child.isMissing) {
      const found = findError(child);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** Constructs whose body may run or not: a variable they assign is not known after them. */
const CONDITIONAL = new Set([
  'if_statement',
  'case_statement',
  'while_statement',
  'c_style_for_statement',
  'subshell',
  'list',
]);

/** Walks a statement; returns the commands it runs at its own level, so a pipeline can link its stages. */
function walk(node: Node, st: WalkState): ShellCommand[] {
  if (CONDITIONAL.has(node.type)) return conditionally(st, () => walkChildren(node, st));
  switch (node.type) {
    case 'command':
    case 'declaration_command':
    case 'unset_command':
      return buildCommand(node, st);
    case 'variable_assignment': {
      const assignment = assign(node, st);
      if (assignment === undefined) return [];
      return [emit(st, { raw: node.text, words: [], assignments: [assignment], redirects: [] })];
    }
    case 'variable_assignments':
      return node.namedChildren.flatMap((child) => walk(child, st));
    case 'pipeline':
      return linkPipeline(node.namedChildren.filter(isStatement).map((stage) => walk(stage, st)));
    case 'redirected_statement':
      return walkRedirected(node, st);
    case 'function_definition':
      defineFunction(node, st);
      return [];
    case 'for_statement':
      return conditionally(st, () => walkFor(node, st));
    case 'comment':
      return [];
    default:
      return walkChildren(node, st);
  }
}

function walkChildren(node: Node, st: WalkState): ShellCommand[] {
  return node.namedChildren.flatMap((child) => walk(child, st));
}

function conditionally(st: WalkState, body: () => ShellCommand[]): ShellCommand[] {
  const assigned = new Set<string>();
  st.assignedIn.push(assigned);
  try {
    return body();
  } finally {
    st.assignedIn.pop();
    for (const name of assigned) setVariable(st, name, { kind: 'ambiguous' });
  }
}

/** `for c in rm ls; do $c ...; done` runs its body once per word: walk it so, when the words are few. */
function walkFor(node: Node, st: WalkState): ShellCommand[] {
  const variable = node.childForFieldName('variable')?.text;
  const body = node.childForFieldName('body');
  const values = node.childrenForFieldName('value').filter((c): c is Node => c !== null);
  if (variable === undefined || body === null) return walkChildren(node, st);
  const words = values.flatMap((value) => evalFields(value, st));
  const known = values.length > 0 && words.length <= MAX_LOOP_WORDS && !words.some((w) => w.dynamic);
  if (!known) {
    setVariable(st, variable, { kind: 'ambiguous' });
    return walk(body, st);
  }
  return words.flatMap((word) => {
    setVariable(st, variable, { kind: 'scalar', word });
    return walk(body, st);
  });
}

/**
 * A function's body is walked where it is called, with the call's arguments as `$1`, `$@`..., so
 * `f(){ "$@"; }; f rm -rf ~` is seen to run `rm -rf ~`. Its calls are recorded now for the fork-bomb
 * check; a function never called in the script is walked at the end with unknown arguments.
 */
function defineFunction(node: Node, st: WalkState): void {
  const name = node.childForFieldName('name')?.text ?? '';
  const body = node.childForFieldName('body');
  if (body === null) return;
  st.definitions.set(name, body);
  const calls = body
    .descendantsOfType('command_name')
    .flatMap((c) => (c === null ? [] : [c.text.replace(/^["']|["']$/g, '')]));
  st.functions.push({ name, raw: node.text, calls });
}

function callFunction(name: string, args: readonly ShellWord[], st: WalkState): void {
  const body = st.definitions.get(name);
  if (body === undefined || st.callStack.includes(name)) return;
  st.called.add(name);
  if (st.callStack.length >= MAX_CALL_DEPTH) {
    st.unresolved.push({ reason: 'function calls nested too deep to follow', fragment: name });
    return;
  }
  const saved = st.positional;
  st.callStack.push(name);
  st.positional = args;
  try {
    walk(body, st);
  } finally {
    st.positional = saved;
    st.callStack.pop();
  }
}

function walkUncalledFunctions(st: WalkState): void {
  for (const [name, body] of st.definitions) {
    if (st.called.has(name)) continue;
    st.called.add(name);
    const saved = st.positional;
    st.positional = undefined;
    st.callStack.push(name);
    try {
      walk(body, st);
    } finally {
      st.callStack.pop();
      st.positional = saved;
    }
  }
}

function isStatement(node: Node): boolean {
  return node.type !== 'comment';
}

function linkPipeline(stages: ShellCommand[][]): ShellCommand[] {
  stages.forEach((stage, index) => {
    for (const command of stage) {
      command.pipedFrom = [...stages.slice(0, index), ...command.pipedFrom];
      command.pipedTo = [...command.pipedTo, ...stages.slice(index + 1)];
    }
  });
  return stages.flat();
}

function walkRedirected(node: Node, st: WalkState): ShellCommand[] {
  const body = node.childForFieldName('body');
  let commands = body === null ? [] : walk(body, st);
  if (commands.length === 0) {
    // A bare `> file` still truncates the file: keep it as a command without words.
    commands = [emit(st, { raw: node.text, words: [], assignments: [], redirects: [] })];
  }
  for (let index = 0; index < node.childCount; index++) {
    const child = node.child(index);
    if (child === null || node.fieldNameForChild(index) === 'body' || !child.type.endsWith('_redirect'))
      continue;
    const redirect = readRedirect(child, st);
    for (const command of commands) command.redirects.push(redirect);
    if (child.type === 'heredoc_redirect') {
      // tree-sitter nests what follows `<<EOF` on the same line (`| sh`, `&& x`) inside the redirect.
      for (const rest of child.namedChildren) {
        if (rest.type === 'pipeline') {
          const stages = rest.namedChildren.filter(isStatement).map((stage) => walk(stage, st));
          linkPipeline([commands, ...stages]);
        } else if (!rest.type.startsWith('heredoc_')) {
          walk(rest, st);
        }
      }
    }
  }
  // `read x <<< "..."` sets its variable from the redirect, known only now.
  for (const command of commands) trackShellState(command, st);
  return commands;
}

function emit(
  st: WalkState,
  parts: Pick<ShellCommand, 'raw' | 'words' | 'assignments' | 'redirects'>,
): ShellCommand {
  const command: ShellCommand = { ...parts, pipedFrom: [], pipedTo: [], cwd: st.cwd };
  st.commands.push(command);
  return command;
}

function buildCommand(node: Node, st: WalkState): ShellCommand[] {
  const words: ShellWord[] = [];
  const assignments: { name: string; value: ShellWord }[] = [];
  const redirects: ShellRedirect[] = [];
  const declaration = node.type === 'declaration_command';
  // Substitutions run before the command itself: reserve its place after them in the order.
  for (const child of node.namedChildren) {
    if (child.type === 'variable_assignment') {
      // `export X=...` and `local X=...` keep the value for later commands; `X=1 cmd` does not.
      const assignment = declaration ? assign(child, st) : readAssignment(child, st);
      if (assignment !== undefined) assignments.push(assignment);
    } else if (child.type.endsWith('_redirect')) {
      redirects.push(readRedirect(child, st));
    } else if (child.type === 'command_name') {
      words.push(...evalFields(child.namedChildren[0] ?? child, st));
    } else if (child.type !== 'comment') {
      words.push(
        ...(declaration || node.type === 'unset_command' ? [evalWord(child, st)] : evalFields(child, st)),
      );
    }
  }
  if (declaration || node.type === 'unset_command') words.unshift(literal(node.child(0)?.text ?? ''));
  // `declare -n r=cmd` makes `r` a name for another variable: its value is whatever that one holds later.
  if (declaration && words.some((w) => /^-[a-zA-Z]*n/.test(w.value)))
    for (const { name } of assignments) setVariable(st, name, { kind: 'ambiguous' });
  const command = emit(st, { raw: node.text, words, assignments, redirects });
  trackDirectoryChange(command, st);
  // A redirected command is tracked once its redirects are known (`read x <<< ...`).
  if (node.parent?.type !== 'redirected_statement') trackShellState(command, st);
  const [name, ...args] = words;
  if (name !== undefined && !name.dynamic && st.definitions.has(name.value))
    callFunction(name.value, args, st);
  return [command];
}

function trackDirectoryChange(command: ShellCommand, st: WalkState): void {
  const [name, target] = command.words;
  if (name?.value !== 'cd' && name?.value !== 'pushd') return;
  if (target === undefined || target.value === '~') st.cwd = '~';
  else if (target.dynamic || target.value === '-') st.cwd = '?';
  else if (target.value.startsWith('~/')) st.cwd = path.posix.join('~', target.value.slice(2));
  else if (st.cwd === '?' && !target.value.startsWith('/')) st.cwd = '?';
  else st.cwd = path.posix.resolve(st.cwd === '~' ? '/~' : st.cwd, target.value).replace(/^\/~/, '~');
}

/** Reads `NAME=value` (or `NAME=(a b)`, `NAME+=...`) and keeps the value for later commands. */
function assign(node: Node, st: WalkState): { name: string; value: ShellWord } | undefined {
  const name = node.childForFieldName('name')?.text;
  if (name === undefined) return undefined;
  const valueNode = node.childForFieldName('value');
  const append = node.children.some((c) => !c.isNamed && c.text === '+=');
  const previous = st.vars.get(name);
  if (valueNode?.type === 'array') {
    const elements = valueNode.namedChildren.flatMap((child) => evalFields(child, st));
    const before = append && previous?.kind === 'array' ? previous.elements : [];
    const known = !append || previous === undefined || previous.kind === 'array';
    setVariable(
      st,
      name,
      known ? { kind: 'array', elements: [...before, ...elements] } : { kind: 'ambiguous' },
    );
    return { name, value: { ...literal(elements.map((e) => e.value).join(' ')), raw: valueNode.text } };
  }
  const value = valueNode === null ? literal('') : evalWord(valueNode, st);
  if (!append) setVariable(st, name, { kind: 'scalar', word: value });
  else if (previous === undefined || previous.kind === 'scalar') {
    const before = previous?.word ?? literal('');
    setVariable(st, name, {
      kind: 'scalar',
      word: { ...value, value: before.value + value.value, dynamic: before.dynamic || value.dynamic },
    });
  } else setVariable(st, name, { kind: 'ambiguous' });
  return { name, value };
}

function readAssignment(node: Node, st: WalkState): { name: string; value: ShellWord } | undefined {
  const name = node.childForFieldName('name')?.text;
  if (name === undefined) return undefined;
  const valueNode = node.childForFieldName('value');
  return { name, value: valueNode === null ? literal('') : evalWord(valueNode, st) };
}

function readRedirect(node: Node, st: WalkState): ShellRedirect {
  const op = node.children.find((c) => !c.isNamed)?.text ?? '';
  if (node.type === 'herestring_redirect') {
    const value = node.namedChildren[0];
    // The word is kept as the target too, so rules see the substitutions it runs.
    const word = value === undefined ? literal('') : evalWord(value, st);
    return { op: '<<<', target: word, body: `${word.value}\n`, raw: node.text };
  }
  if (node.type === 'heredoc_redirect') {
    const body = node.namedChildren.find((c) => c.type === 'heredoc_body');
    // An unquoted heredoc runs the substitutions inside it.
    for (const sub of body?.descendantsOfType('command_substitution') ?? []) if (sub !== null) walk(sub, st);
    return { op, target: undefined, body: body?.text ?? '', raw: node.text };
  }
  // Skip an ERROR node the grammar leaves in forms it lacks (`5<>file`): the file is still the target.
  const target = node.namedChildren.find((c) => c.type !== 'file_descriptor' && c.type !== 'ERROR');
  return {
    op,
    target: target === undefined ? undefined : evalWord(target, st),
    body: undefined,
    raw: node.text,
  };
}

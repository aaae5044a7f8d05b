import { createRequire } from 'node:module';
import path from 'node:path';
import { Language, type Node, Parser } from 'web-tree-sitter';
import type { ParsedScript, ShellCommand, ShellFunction, ShellRedirect, ShellWord } from './shell-ir.js';
import { outputText } from './stdin-text.js';
import { decodeCEscapes, unescapeBare, unescapeDoubleQuoted } from './unescape.js';

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

interface WalkState {
  readonly vars: Map<string, ShellWord>;
  readonly commands: ShellCommand[];
  readonly functions: ShellFunction[];
  cwd: string;
}

/**
 * Parses a script into the commands it would run, in source order, including those inside
 * substitutions, function bodies and every branch (all branches count: we cannot know which runs).
 * `cwd` is where the script starts; `cd` with a literal path moves it, anything else makes it `?`.
 */
export function parseShell(source: string, cwd: string): ParsedScript {
  const state: WalkState = { vars: new Map(), commands: [], functions: [], cwd };
  if (source.length > MAX_COMMAND_LENGTH) {
    return {
      ok: false,
      error: 'command too long to analyse',
      fragment: source.slice(0, 80),
      commands: [],
      functions: [],
    };
  }
  const tree = parser.parse(source);
  if (tree === null) {
    return {
      ok: false,
      error: 'the parser returned no tree',
      fragment: source.slice(0, 80),
      commands: [],
      functions: [],
    };
  }
  try {
    walk(tree.rootNode, state);
    const { commands, functions } = state;
    if (!tree.rootNode.hasError) return { ok: true, commands, functions };
    const bad = findError(tree.rootNode);
    const fragment =
      bad === undefined ? source : source.slice(Math.max(0, bad.startIndex - 20), bad.endIndex + 20);
    const error = bad?.isMissing === true ? `missing ${bad.type}` : 'syntax error';
    return { ok: false, error, fragment: fragment || source.slice(0, 80), commands, functions };
  } finally {
    // The tree lives in WebAssembly memory: without this every rating would leak it.
    tree.delete();
  }
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

/** Walks a statement; returns the commands it runs at its own level, so a pipeline can link its stages. */
function walk(node: Node, st: WalkState): ShellCommand[] {
  switch (node.type) {
    case 'command':
      return [buildCommand(node, st)];
    case 'declaration_command':
    case 'unset_command':
      return [buildCommand(node, st)];
    case 'variable_assignment': {
      const assignment = readAssignment(node, st);
      if (assignment === undefined) return [];
      st.vars.set(assignment.name, assignment.value);
      return [emit(st, { raw: node.text, words: [], assignments: [assignment], redirects: [] })];
    }
    case 'pipeline':
      return linkPipeline(node.namedChildren.filter(isStatement).map((stage) => walk(stage, st)));
    case 'redirected_statement':
      return walkRedirected(node, st);
    case 'function_definition': {
      const body = node.childForFieldName('body');
      const start = st.commands.length;
      if (body !== null) walk(body, st);
      const calls = st.commands.slice(start).flatMap((c) => (c.words[0] ? [c.words[0].value] : []));
      st.functions.push({ name: node.childForFieldName('name')?.text ?? '', raw: node.text, calls });
      return [];
    }
    case 'comment':
      return [];
    default:
      return node.namedChildren.flatMap((child) => walk(child, st));
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

function buildCommand(node: Node, st: WalkState): ShellCommand {
  const words: ShellWord[] = [];
  const assignments: { name: string; value: ShellWord }[] = [];
  const redirects: ShellRedirect[] = [];
  // Substitutions run before the command itself: reserve its place after them in the order.
  for (const child of node.namedChildren) {
    if (child.type === 'variable_assignment') {
      const assignment = readAssignment(child, st);
      if (assignment === undefined) continue;
      assignments.push(assignment);
      // `export X=...` and `local X=...` keep the value for later commands; `X=1 cmd` does not.
      if (node.type === 'declaration_command') st.vars.set(assignment.name, assignment.value);
    } else if (child.type.endsWith('_redirect')) {
      redirects.push(readRedirect(child, st));
    } else if (child.type === 'command_name') {
      words.push(evalWord(child.namedChildren[0] ?? child, st));
    } else if (child.type !== 'comment') {
      words.push(evalWord(child, st));
    }
  }
  if (node.type === 'declaration_command' || node.type === 'unset_command') {
    const keyword = node.child(0)?.text ?? '';
    words.unshift(literal(keyword));
  }
  const command = emit(st, { raw: node.text, words, assignments, redirects });
  trackDirectoryChange(command, st);
  return command;
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
    for (const sub of body?.descendantsOfType('command_substitution') ?? []) walk(sub, st);
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

function literal(value: string): ShellWord {
  return { value, dynamic: false, substitutions: [], processSubstitution: false, raw: value };
}

/** Evaluates a word as far as the text allows: quotes removed, escapes applied, known variables replaced. */
function evalWord(node: Node, st: WalkState): ShellWord {
  const raw = node.text;
  switch (node.type) {
    case 'word':
    case 'number':
    case 'special_variable_name':
      return { ...literal(unescapeBare(raw)), raw };
    case 'raw_string':
      return { ...literal(raw.slice(1, -1)), raw };
    case 'ansi_c_string':
      return { ...literal(decodeCEscapes(raw.slice(2, -1))), raw };
    case 'string_content':
      return { ...literal(unescapeDoubleQuoted(raw)), raw };
    case 'string':
    case 'translated_string':
    case 'concatenation':
      return joinParts(node, st);
    case 'simple_expansion':
    case 'expansion': {
      const name = node.namedChildren.find((c) => c.type === 'variable_name')?.text;
      const known = name === undefined ? undefined : st.vars.get(name);
      // Only a plain `$X` / `${X}` takes the known value; `${X:-...}` and friends stay unresolved.
      const plain = node.type === 'simple_expansion' || raw === `\${${name ?? ''}}`;
      if (known !== undefined && plain) return { ...known, raw };
      return {
        value: raw,
        dynamic: true,
        substitutions: known?.substitutions ?? [],
        processSubstitution: false,
        raw,
      };
    }
    case 'command_substitution':
    case 'process_substitution': {
      const start = st.commands.length;
      const produced = node.namedChildren.flatMap((child) => walk(child, st));
      const substitutions = st.commands.slice(start);
      const processSubstitution = node.type === 'process_substitution';
      // `$(echo cm0gLXJm | base64 -d)` prints text the script itself holds: use it, so `eval` of it is
      // rated for what it runs. The commands stay listed so the decoding itself is seen too.
      const sink = produced.at(-1);
      const text =
        processSubstitution || sink === undefined || sink.pipedTo.length > 0 ? undefined : outputText(sink);
      if (text !== undefined)
        return { value: text.replace(/\n+$/, ''), dynamic: false, substitutions, processSubstitution, raw };
      return { value: raw, dynamic: true, substitutions, processSubstitution, raw };
    }
    default: {
      // Arithmetic, brace expressions, globs: keep the text, but still find commands nested inside.
      const start = st.commands.length;
      for (const sub of node.descendantsOfType(['command_substitution', 'process_substitution']))
        walk(sub, st);
      const substitutions = st.commands.slice(start);
      return {
        value: raw,
        dynamic: substitutions.length > 0,
        substitutions,
        processSubstitution: false,
        raw,
      };
    }
  }
}

function joinParts(node: Node, st: WalkState): ShellWord {
  const isString = node.type !== 'concatenation';
  let value = '';
  let dynamic = false;
  const substitutions: ShellCommand[] = [];
  for (const part of node.namedChildren) {
    const word = evalWord(part, st);
    value += word.value;
    dynamic ||= word.dynamic;
    substitutions.push(...word.substitutions);
  }
  // `"..."` with no named children is the empty string; a concatenation keeps bare punctuation it holds.
  if (isString && node.namedChildren.length === 0) value = '';
  return { value, dynamic, substitutions, processSubstitution: false, raw: node.text };
}

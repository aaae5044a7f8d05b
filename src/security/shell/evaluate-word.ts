import type { Node } from 'web-tree-sitter';
import { expandFields, FIELD_BREAK, type Piece } from './expand-fields.js';
import { normalizeWord } from './normalize-word.js';
import type { ShellCommand, ShellWord } from './shell-ir.js';
import { outputText } from './stdin-text.js';
import { decodeCEscapes, unescapeBare, unescapeDoubleQuoted } from './unescape.js';
import { fieldSeparators, literal, type ShellValue, type WalkState } from './walk-state.js';

/** A word evaluated as far as the script allows, before brace expansion and splitting. */
interface Evaluated {
  readonly pieces: Piece[];
  dynamic: boolean;
  readonly substitutions: ShellCommand[];
  processSubstitution: boolean;
}

/**
 * The fields a word of a command becomes, as bash would run them: quotes removed, escapes applied,
 * variables the script set replaced, braces expanded, unquoted expansions split on `$IFS`, each field
 * normalised (see `normalizeWord`). An unquoted empty expansion makes no field at all.
 */
export function evalFields(node: Node, st: WalkState): ShellWord[] {
  const evaluated = evaluate(node, st, false);
  const { fields, unresolved } = expandFields(evaluated.pieces, fieldSeparators(st));
  return fields.map((field, index) =>
    toWord(field, node.text, {
      ...evaluated,
      dynamic: evaluated.dynamic || unresolved,
      // The commands a word runs belong to it once, not to each field it makes.
      substitutions: index === 0 ? evaluated.substitutions : [],
    }),
  );
}

/** One word, as in an assignment or a redirect target: no brace expansion and no splitting. */
export function evalWord(node: Node, st: WalkState): ShellWord {
  const evaluated = evaluate(node, st, true);
  const text = evaluated.pieces.map((p) => ('fieldBreak' in p ? ' ' : p.text)).join('');
  return toWord(text, node.text, evaluated);
}

function toWord(text: string, raw: string, evaluated: Omit<Evaluated, 'pieces'>): ShellWord {
  const { value, changed } = normalizeWord(text);
  return {
    value,
    dynamic: evaluated.dynamic,
    substitutions: evaluated.substitutions,
    processSubstitution: evaluated.processSubstitution,
    raw,
    disguised: changed,
  };
}

function fresh(pieces: Piece[] = []): Evaluated {
  return { pieces, dynamic: false, substitutions: [], processSubstitution: false };
}

function evaluate(node: Node, st: WalkState, quoted: boolean): Evaluated {
  const raw = node.text;
  const plain = (text: string): Evaluated => fresh([{ text, mode: quoted ? 'quoted' : 'literal' }]);
  switch (node.type) {
    case 'word':
    case 'number':
    case 'special_variable_name':
      return plain(unescapeBare(raw));
    case 'raw_string':
      return fresh([{ text: raw.slice(1, -1), mode: 'quoted' }]);
    case 'ansi_c_string':
      return fresh([{ text: decodeCEscapes(raw.slice(2, -1)), mode: 'quoted' }]);
    case 'string_content':
      return fresh([{ text: unescapeDoubleQuoted(raw), mode: 'quoted' }]);
    case 'string':
    case 'translated_string': {
      const joined = join(node, st, true);
      // `""` is a field of its own even though it holds nothing.
      if (joined.pieces.length === 0) joined.pieces.push({ text: '', mode: 'quoted' });
      return joined;
    }
    case 'concatenation':
      return join(node, st, quoted);
    case 'simple_expansion':
    case 'expansion':
      return expand(node, st, quoted);
    case 'command_substitution':
    case 'process_substitution':
      return substitute(node, st, quoted);
    default: {
      // Arithmetic, brace expressions, globs: keep the text, but still find commands nested inside.
      const start = st.commands.length;
      for (const sub of node.descendantsOfType(['command_substitution', 'process_substitution']))
        st.walk(sub);
      const evaluated = plain(raw);
      evaluated.substitutions.push(...st.commands.slice(start));
      evaluated.dynamic = evaluated.substitutions.length > 0;
      return evaluated;
    }
  }
}

function join(node: Node, st: WalkState, quoted: boolean): Evaluated {
  const result = fresh();
  for (const part of node.namedChildren) {
    const evaluated = evaluate(part, st, quoted);
    result.pieces.push(...evaluated.pieces);
    result.dynamic ||= evaluated.dynamic;
    result.substitutions.push(...evaluated.substitutions);
  }
  // A concatenation keeps bare punctuation tree-sitter leaves unnamed (`a{b`), so rebuild it from text
  // when the named parts do not cover it.
  if (!quoted && node.type === 'concatenation') {
    const covered = node.namedChildren.map((c) => c.text).join('');
    if (covered !== node.text && !result.dynamic) return fresh([{ text: node.text, mode: 'literal' }]);
  }
  return result;
}

function unknownExpansion(raw: string): Evaluated {
  const evaluated = fresh([{ text: raw, mode: 'quoted' }]);
  evaluated.dynamic = true;
  return evaluated;
}

/** Pieces of a value the script knows: quoted stays one piece, unquoted is split later. */
function valuePieces(words: readonly ShellWord[], quoted: boolean, joinWith?: string): Evaluated {
  const result = fresh();
  words.forEach((word, index) => {
    if (index > 0)
      result.pieces.push(joinWith === undefined ? FIELD_BREAK : { text: joinWith, mode: 'quoted' });
    // A value only known at run time keeps its source text whole: splitting `$(x y)` means nothing.
    result.pieces.push({ text: word.value, mode: quoted || word.dynamic ? 'quoted' : 'split' });
    result.dynamic ||= word.dynamic;
    result.substitutions.push(...word.substitutions);
  });
  if (words.length === 0 && quoted && joinWith !== undefined)
    result.pieces.push({ text: '', mode: 'quoted' });
  return result;
}

function expand(node: Node, st: WalkState, quoted: boolean): Evaluated {
  const raw = node.text;
  const subscript = node.namedChildren.find((c) => c.type === 'subscript');
  const nameNode = (subscript ?? node).namedChildren.find(
    (c) => c.type === 'variable_name' || c.type === 'special_variable_name',
  );
  const name = nameNode?.text;
  if (name === undefined) return unknownExpansion(raw);
  const index = subscript?.namedChildren.find((c) => c !== nameNode)?.text;
  const length = raw.startsWith('${#');
  const simple =
    node.type === 'simple_expansion' ||
    raw === `\${${name}}` ||
    (subscript !== undefined && raw === `\${${subscript.text}}`) ||
    (length && raw === `\${#${subscript?.text ?? name}}`);
  const separator = (fieldSeparators(st) ?? ' ')[0] ?? '';

  let elements: readonly ShellWord[] | undefined;
  let many = false;
  if (name === '@' || name === '*' || name === '#' || /^\d+$/.test(name)) {
    const positional = st.positional;
    if (positional === undefined) return unknownExpansion(raw);
    if (name === '#') return fresh([{ text: String(positional.length), mode: 'quoted' }]);
    if (/^\d+$/.test(name)) {
      // `$0` is the shell's name: not something the script chose.
      if (name === '0') return unknownExpansion(raw);
      const word = positional[Number(name) - 1];
      elements = word === undefined ? [] : [word];
    } else {
      elements = positional;
      many = true;
      if (name === '*' && quoted) return valuePieces(positional, true, separator);
    }
  } else {
    // `$IFS` unset is bash's default separators: `rm${IFS}-rf${IFS}~` is `rm -rf ~`.
    const value: ShellValue | undefined =
      st.vars.get(name) ?? (name === 'IFS' ? { kind: 'scalar', word: literal(' \t\n') } : undefined);
    if (value === undefined || value.kind === 'ambiguous') return unknownExpansion(raw);
    if (value.kind === 'scalar') {
      elements = index === undefined || index === '0' || index === '@' || index === '*' ? [value.word] : [];
    } else if (index === '@' || index === '*') {
      elements = value.elements;
      many = true;
      if (index === '*' && quoted && !length) return valuePieces(value.elements, true, separator);
    } else if (index === undefined || /^\d+$/.test(index)) {
      const element = value.elements[Number(index ?? 0)];
      elements = element === undefined ? [] : [element];
    } else {
      return unknownExpansion(raw);
    }
  }
  if (length) {
    const count = many ? elements.length : (elements[0]?.value.length ?? 0);
    return fresh([{ text: String(count), mode: 'quoted' }]);
  }
  if (!simple) return operatorExpansion(node, st, quoted, elements);
  return valuePieces(elements, quoted, many ? undefined : '');
}

/** `${X:-default}` and `${X-default}` are common and easy; every other operator stays unresolved. */
function operatorExpansion(
  node: Node,
  st: WalkState,
  quoted: boolean,
  elements: readonly ShellWord[],
): Evaluated {
  const operator = node.children.find((c) => !c.isNamed && /^:?[-=]$/.test(c.text))?.text;
  if (operator === undefined) return unknownExpansion(node.text);
  const current = elements[0];
  const empty = current === undefined || (operator.startsWith(':') && current.value === '');
  if (!empty) return valuePieces([current], quoted, '');
  const fallback = node.namedChildren.filter((c) => c.type !== 'variable_name');
  const result = fresh();
  for (const part of fallback) {
    const evaluated = evaluate(part, st, quoted);
    result.pieces.push(...evaluated.pieces);
    result.dynamic ||= evaluated.dynamic;
    result.substitutions.push(...evaluated.substitutions);
  }
  return result;
}

function substitute(node: Node, st: WalkState, quoted: boolean): Evaluated {
  const start = st.commands.length;
  const produced = node.namedChildren.flatMap((child) => st.walk(child));
  const result = fresh();
  result.substitutions.push(...st.commands.slice(start));
  result.processSubstitution = node.type === 'process_substitution';
  // `$(echo cm0gLXJm | base64 -d)` prints text the script itself holds: use it, so `eval` of it is
  // rated for what it runs. The commands stay listed so the decoding itself is seen too.
  const sink = produced.at(-1);
  const text =
    result.processSubstitution || sink === undefined || sink.pipedTo.length > 0
      ? undefined
      : outputText(sink);
  if (text === undefined) {
    result.pieces.push({ text: node.text, mode: 'quoted' });
    result.dynamic = true;
  } else {
    result.pieces.push({ text: text.replace(/\n+$/, ''), mode: quoted ? 'quoted' : 'split' });
  }
  return result;
}

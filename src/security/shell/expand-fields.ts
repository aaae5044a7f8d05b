/**
 * Brace expansion and word splitting, done as bash does them, on a word the parser has evaluated into
 * pieces. Bash expands braces only in unquoted text written in the script (never in a variable's
 * value or in quotes), then splits only the results of unquoted expansions on `$IFS`. A hostile agent
 * leans on both (`{rm,-rf,~}`, `c="rm -rf ~"; $c`, `IFS=,; c=rm,-rf,~; $c`), so the rules must see the
 * fields bash would run, not the text as written.
 */

/** How a piece of a word was written: it decides which expansions still apply to it. */
export type PieceMode =
  /** Unquoted text of the script: braces expand, no splitting. */
  | 'literal'
  /** Quoted text, or an unresolved expansion kept as source: nothing more happens to it. */
  | 'quoted'
  /** The value of an unquoted expansion: split on `$IFS`, braces stay. */
  | 'split';

export type Piece = { readonly text: string; readonly mode: PieceMode } | { readonly fieldBreak: true };

/** Where `"${a[@]}"` and `"$@"` separate their elements: always a new field. */
export const FIELD_BREAK: Piece = { fieldBreak: true };

/** Past this many fields a word is left unexpanded and reported as such (`{a,b}{a,b}...` doubles). */
export const MAX_FIELDS = 256;

interface Char {
  readonly c: string;
  readonly mode: PieceMode | 'break';
}

export interface ExpandedFields {
  readonly fields: readonly string[];
  /** Expansion stopped at `MAX_FIELDS`, or `$IFS` is unknown: the caller cannot know what runs. */
  readonly unresolved: boolean;
}

/** `ifs` undefined means `$IFS` is unknown here: splitting cannot be done and `unresolved` says so. */
export function expandFields(pieces: readonly Piece[], ifs: string | undefined): ExpandedFields {
  const chars: Char[] = [];
  let hasQuotedEmpty = false;
  for (const piece of pieces) {
    if ('fieldBreak' in piece) chars.push({ c: '', mode: 'break' });
    else if (piece.text === '' && piece.mode === 'quoted') hasQuotedEmpty = true;
    else for (const c of piece.text) chars.push({ c, mode: piece.mode });
  }
  const braced = braceExpand(chars);
  if (braced === undefined) return { fields: [pieces.map(textOf).join('')], unresolved: true };
  const fields: string[] = [];
  let unknownSplit = false;
  for (const word of braced) {
    if (ifs === undefined && word.some((ch) => ch.mode === 'split')) unknownSplit = true;
    fields.push(...splitWord(word, ifs ?? ' \t\n', hasQuotedEmpty));
    if (fields.length > MAX_FIELDS) return { fields: fields.slice(0, MAX_FIELDS), unresolved: true };
  }
  return { fields, unresolved: unknownSplit };
}

function textOf(piece: Piece): string {
  return 'fieldBreak' in piece ? ' ' : piece.text;
}

function splitWord(word: readonly Char[], ifs: string, hasQuotedEmpty: boolean): string[] {
  const fields: string[] = [];
  let current = '';
  // A field exists once anything but a splitting delimiter went into it (`""` counts: it is a field).
  let started = hasQuotedEmpty && word.length === 0;
  const end = (): void => {
    if (started) fields.push(current);
    current = '';
    started = false;
  };
  for (let index = 0; index < word.length; index++) {
    const ch = word[index] as Char;
    if (ch.mode === 'break') {
      end();
      continue;
    }
    if (ch.mode !== 'split' || !ifs.includes(ch.c)) {
      current += ch.c;
      started = true;
      continue;
    }
    if (/\s/.test(ch.c)) {
      end();
    } else {
      // A non-blank delimiter ends a field even when it is empty (`a,,b` is three fields).
      fields.push(current);
      current = '';
      started = false;
      while (index + 1 < word.length) {
        const next = word[index + 1] as Char;
        if (next.mode !== 'split' || !ifs.includes(next.c) || !/\s/.test(next.c)) break;
        index++;
      }
    }
  }
  end();
  return fields;
}

/** Every word a brace expression makes, in bash's order; `undefined` past `MAX_FIELDS`. */
function braceExpand(word: readonly Char[]): Char[][] | undefined {
  const results: Char[][] = [];
  const pending: Char[][] = [[...word]];
  while (pending.length > 0) {
    const current = pending.shift() as Char[];
    const expansion = firstBraceExpression(current);
    if (expansion === undefined) {
      results.push(current);
    } else {
      const { start, end, alternatives } = expansion;
      const prefix = current.slice(0, start);
      const suffix = current.slice(end + 1);
      // Depth-first keeps bash's order: `{a,b}{1,2}` is a1 a2 b1 b2.
      pending.unshift(...alternatives.map((alt) => [...prefix, ...alt, ...suffix]));
    }
    if (results.length + pending.length > MAX_FIELDS) return undefined;
  }
  return results;
}

const isActive = (ch: Char | undefined, c: string): boolean => ch?.mode === 'literal' && ch.c === c;

function firstBraceExpression(
  word: readonly Char[],
): { start: number; end: number; alternatives: Char[][] } | undefined {
  for (let start = 0; start < word.length; start++) {
    if (!isActive(word[start], '{') || isActive(word[start - 1], '$')) continue;
    let depth = 0;
    const commas: number[] = [];
    for (let index = start + 1; index < word.length; index++) {
      if (isActive(word[index], '{')) depth++;
      else if (isActive(word[index], '}')) {
        if (depth === 0) {
          const inner = word.slice(start + 1, index);
          if (commas.length > 0) {
            const bounds = [start, ...commas, index];
            const alternatives = bounds.slice(0, -1).map((from, i) => word.slice(from + 1, bounds[i + 1]));
            return { start, end: index, alternatives };
          }
          const sequence = sequenceOf(inner.map((ch) => ch.c).join(''));
          if (sequence !== undefined)
            return {
              start,
              end: index,
              alternatives: sequence.map((s) => [...s].map((c) => ({ c, mode: 'literal' as const }))),
            };
          break;
        }
        depth--;
      } else if (depth === 0 && isActive(word[index], ',')) commas.push(index);
    }
  }
  return undefined;
}

/** `{1..5}`, `{a..e}`, `{10..0..2}`. */
function sequenceOf(text: string): string[] | undefined {
  const match = /^(-?\d+|[a-zA-Z])\.\.(-?\d+|[a-zA-Z])(?:\.\.(-?\d+))?$/.exec(text);
  if (match === null) return undefined;
  const [, from = '', to = '', stepText] = match;
  const numeric = /\d/.test(from) && /\d/.test(to);
  if (!numeric && (/\d/.test(from) || /\d/.test(to))) return undefined;
  const a = numeric ? Number(from) : from.charCodeAt(0);
  const b = numeric ? Number(to) : to.charCodeAt(0);
  const step = Math.max(1, Math.abs(Number(stepText ?? 1))) * (a <= b ? 1 : -1);
  if (Math.abs(b - a) / Math.abs(step) > MAX_FIELDS) return undefined;
  const values: string[] = [];
  for (let v = a; a <= b ? v <= b : v >= b; v += step)
    values.push(numeric ? String(v) : String.fromCharCode(v));
  return values;
}

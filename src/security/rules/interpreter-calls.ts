/**
 * Reads the calls in a one-liner's code well enough to say what they are given: the text between a
 * call's parentheses, split into arguments, and an argument's value when the code spells it out with
 * literals (`'c' + 'url'`, `"sys" . "tem"`, `['rm', '-rf', 'x']`). Anything else is computed, and a
 * computed name or command is what hides a call, so callers treat it as unreadable.
 */

export interface Call {
  /** The callee as matched (`os.system`, `require`, `$f`). */
  readonly callee: string;
  /** The arguments, as source text, split at top-level commas. */
  readonly args: readonly string[];
}

/** Every call whose callee `pattern` matches right before its `(`; `pattern` must be global. */
export function findCalls(code: string, pattern: RegExp): Call[] {
  const calls: Call[] = [];
  for (const match of code.matchAll(pattern)) {
    const open = (match.index ?? 0) + match[0].length;
    const at = code.slice(open).search(/\S/);
    if (at < 0 || code[open + at] !== '(') continue;
    const inner = balancedText(code, open + at);
    if (inner === undefined) continue;
    calls.push({ callee: match[1] ?? match[0], args: splitArguments(inner) });
  }
  return calls;
}

const QUOTES = new Set(["'", '"', '`']);
const OPENERS: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}' };

/** The text inside the bracket at `open` up to its match, skipping quoted text; undefined if unclosed. */
function balancedText(code: string, open: number): string | undefined {
  const stack: string[] = [];
  for (let index = open; index < code.length; index++) {
    const char = code[index] ?? '';
    if (QUOTES.has(char)) {
      index = endOfQuote(code, index);
      continue;
    }
    const closer = OPENERS[char];
    if (closer !== undefined) stack.push(closer);
    else if (char === stack.at(-1)) {
      stack.pop();
      if (stack.length === 0) return code.slice(open + 1, index);
    }
  }
  return undefined;
}

function endOfQuote(code: string, start: number): number {
  const quote = code[start];
  for (let index = start + 1; index < code.length; index++) {
    if (code[index] === '\\') index++;
    else if (code[index] === quote) return index;
  }
  return code.length;
}

export function splitArguments(text: string): string[] {
  const args: string[] = [];
  let depth = 0;
  let start = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text[index] ?? '';
    if (QUOTES.has(char)) index = endOfQuote(text, index);
    else if (char in OPENERS) depth++;
    else if (char === ')' || char === ']' || char === '}') depth--;
    else if (char === ',' && depth === 0) {
      args.push(text.slice(start, index).trim());
      start = index + 1;
    }
  }
  const last = text.slice(start).trim();
  if (last !== '' || args.length > 0) args.push(last);
  return args;
}

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '0': '\0' };

/** A quoted literal's value with its common escapes applied. */
export function unquote(body: string): string {
  return body.replace(/\\(.)/g, (_, c: string) => ESCAPES[c] ?? c);
}

/** One string literal, whole: `'x'`, `"x"`, a template without `${}`, Python's `r'x'`/`b'x'`. */
const LITERAL =
  /^(?:[rRbBuU]{0,2})(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|`((?:[^`\\$]|\\.|\$(?!\{))*)`)$/s;

/**
 * The value of an expression made only of string literals joined by `+`, `.` or nothing (`'c' 'url'`),
 * maybe in parentheses; undefined when any part is computed (a variable, a call, an f-string).
 */
export function foldString(expression: string): string | undefined {
  let text = expression.trim();
  while (text.startsWith('(') && balancedText(text, 0) === text.slice(1, -1)) text = text.slice(1, -1).trim();
  const parts: string[] = [];
  let index = 0;
  while (index < text.length) {
    const rest = text.slice(index);
    const prefix = /^[rRbBuU]{0,2}/.exec(rest)?.[0] ?? '';
    const quote = rest[prefix.length] ?? '';
    if (!QUOTES.has(quote)) return undefined;
    const end = endOfQuote(rest, prefix.length);
    const piece = LITERAL.exec(rest.slice(0, end + 1));
    if (piece === null) return undefined;
    const body = piece[1] ?? piece[2] ?? piece[3] ?? '';
    parts.push(prefix.toLowerCase().includes('r') ? body : unquote(body));
    index += end + 1;
    const joiner = /^\s*(?:[+.]\s*)?/.exec(text.slice(index))?.[0] ?? '';
    index += joiner.length;
  }
  return parts.length === 0 ? undefined : parts.join('');
}

/** A literal list of literal strings: `['a', 'b']`, `("a", "b")`, Perl's `qw(a b)`, Ruby's `%w[a b]`. */
export function foldList(expression: string): string[] | undefined {
  const text = expression.trim();
  const words = /^(?:qw|%w|%W)\s*[[({/](.*)[\])}/]$/s.exec(text);
  if (words !== null) return (words[1] ?? '').split(/\s+/).filter(Boolean);
  if (!/^[[(]/.test(text) || balancedText(text, 0) !== text.slice(1, -1)) return undefined;
  const items = splitArguments(text.slice(1, -1)).filter((item) => item !== '');
  const values = items.map(foldString);
  return values.every((v): v is string => v !== undefined) ? values : undefined;
}

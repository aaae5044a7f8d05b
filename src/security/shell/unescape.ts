/** Quote removal for the three ways bash writes a literal; kept apart so the parser stays about structure. */

/** An unquoted word: a backslash makes the next character literal, and a backslash-newline disappears. */
export function unescapeBare(text: string): string {
  return text.replace(/\\(\n|[\s\S])/g, (_all, ch: string) => (ch === '\n' ? '' : ch));
}

/** Inside double quotes a backslash only escapes `$`, `` ` ``, `"`, `\` and newline. */
export function unescapeDoubleQuoted(text: string): string {
  return text.replace(/\\([$`"\\\n])/g, (_all, ch: string) => (ch === '\n' ? '' : ch));
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  t: '\t',
  r: '\r',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '?': '?',
};

/**
 * The escapes of `$'...'` and of `echo -e` / `printf`: attackers spell `rm` as `$'\x72\x6d'`, so the
 * rules must see the decoded text.
 */
export function decodeCEscapes(body: string): string {
  return body.replace(
    /\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}|0?[0-7]{1,3}|c.|[\s\S])/g,
    (all, esc: string) => {
      const head = esc[0] ?? '';
      if (head === 'x' || head === 'u' || head === 'U') {
        const code = Number.parseInt(esc.slice(1), 16);
        return code <= 0x10ffff ? String.fromCodePoint(code) : all;
      }
      if (/^[0-7]/.test(esc)) return String.fromCharCode(Number.parseInt(esc, 8) & 0xff);
      if (head === 'c') return String.fromCharCode((esc.charCodeAt(1) || 64) & 0x1f);
      return SIMPLE_ESCAPES[esc] ?? all;
    },
  );
}

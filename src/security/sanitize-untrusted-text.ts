import { randomBytes } from 'node:crypto';

/**
 * Zero-width, bidi and other invisible format characters (and Unicode tag characters): they hide words
 * from a human reviewer but not from the LLM. Built from a string so the list can name each range.
 */
export const INVISIBLE = new RegExp(
  [
    '[\\u00AD\\u034F\\u061C\\u115F\\u1160\\u17B4\\u17B5\\u3164\\uFEFF\\uFFA0]',
    '[\\u180B-\\u180F\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u206F\\uFE00-\\uFE0F\\uFFF9-\\uFFFB]',
    '\\uDB40[\\uDC00-\\uDCFF]',
  ].join('|'),
  'g',
);
/** C0 and C1 control characters except tab and newline (carriage returns are normalised first). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point.
export const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
const HTML_COMMENT = /<!--[\s\S]*?(-->|$)/g;
/** Markup that GitHub renders as nothing or folds away: the LLM would read what the reviewer cannot see. */
const HIDDEN_BLOCKS =
  /<(details|template|script|style|noscript|iframe|object|svg|math)\b[^>]*>[\s\S]*?(<\/\1\s*>|$)/gi;
const HIDDEN_ELEMENT =
  /<([a-z][\w-]*)\b[^>]*\b(hidden|aria-hidden\s*=\s*["']?true|style\s*=\s*["'][^"']*(display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0|opacity\s*:\s*0)[^"']*["'])[^>]*>[\s\S]*?(<\/\1\s*>|$)/gi;
const IMAGE_ALT_MARKDOWN = /!\[[^\]]*\]\(([^)\s]*)[^)]*\)/g;
const IMAGE_ALT_HTML = /<img\b[^>]*>/gi;
const LINK_TITLE = /(\[[^\]]*\]\([^)\s]+)\s+("[^"]*"|'[^']*')\)/g;

/**
 * Makes issue bodies, comments and file contents safe to show an LLM: removes what a human reader of
 * the GitHub page does not see (HTML comments, even unterminated ones; `<details>` and other hidden
 * markup; image alt text and link titles; zero-width, bidi and control characters) and collapses
 * runs of whitespace that could push text out of view.
 */
export function sanitizeUntrustedText(text: string): string {
  let result = text.normalize('NFC').replace(/\r\n?/g, '\n');
  result = result.replace(INVISIBLE, '').replace(CONTROL, '');
  // Comments first: a comment can hide a `<details>` opener and the other way round.
  for (let pass = 0; pass < 3; pass++) {
    const before = result;
    result = result.replace(HTML_COMMENT, '').replace(HIDDEN_BLOCKS, '').replace(HIDDEN_ELEMENT, '');
    if (result === before) break;
  }
  result = result
    .replace(IMAGE_ALT_MARKDOWN, '![image]($1)')
    .replace(IMAGE_ALT_HTML, '[image]')
    .replace(LINK_TITLE, '$1)')
    .replace(/<\/?(summary|details|span|div|p|sub|sup|kbd|font)\b[^>]*>/gi, '');
  return result
    .replace(/[^\S\n]{4,}/g, '   ')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{4,}/g, '\n\n\n')
    .trim();
}

/**
 * Wraps untrusted text in a block the text cannot close: the fence carries a random nonce, and any
 * line of the text that imitates a fence is escaped anyway. The label says whose text it is, so the
 * prompt can tell the model to treat the block as data.
 */
export function quoteUntrusted(
  label: string,
  text: string,
  nonce: string = randomBytes(8).toString('hex'),
): string {
  const cleanLabel =
    sanitizeUntrustedText(label)
      .replace(/[^\w .:#/@-]/g, '')
      .slice(0, 80) || 'untrusted';
  // The nonce already makes the fence unguessable; escaping look-alikes keeps a reader from being fooled.
  const body = sanitizeUntrustedText(text).replace(/<(\s*\/?\s*)untrusted/gi, '&lt;$1untrusted');
  return [`<untrusted-${nonce} source="${cleanLabel}">`, body, `</untrusted-${nonce}>`].join('\n');
}

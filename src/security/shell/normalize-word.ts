import { stripInvisibleCharacters } from '../markdown/invisible-characters.js';

/**
 * What a word says once characters that hide or disguise text are gone: zero-width, bidi, tag and
 * control characters stripped, then NFKC (fullwidth `ｒｍ` is `rm`). Rules read this form, so `r\u200bm`
 * and `ｒｍ` are rated as `rm`; `changed` lets a rule call the disguise itself out.
 */
export function normalizeWord(text: string): { readonly value: string; readonly changed: boolean } {
  // Tabs and newlines are ordinary inside arguments (a commit message), so only the others go.
  const value = stripInvisibleCharacters(text).normalize('NFKC');
  return { value, changed: value !== text };
}

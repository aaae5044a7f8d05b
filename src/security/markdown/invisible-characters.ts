/**
 * Characters that change what a reader sees without being seen: zero-width and joiners, bidi
 * controls that reorder words, fillers that render as blank (Hangul fillers, U+2800 Braille blank),
 * variation selectors (U+FE00–U+FE0F and the supplement U+E0100–U+E01EF), Unicode tag characters
 * (U+E0000–U+E007F, invisible ASCII) and the rest of plane 14, interlinear annotation and musical
 * format controls. A human reviewer sees nothing; an LLM reads every one. The one list every caller
 * uses, so untrusted text shown to the model and agent text posted to GitHub agree.
 */
export const INVISIBLE_CHARACTERS = new RegExp(
  [
    '[\\u00AD\\u034F\\u061C\\u115F\\u1160\\u17B4\\u17B5\\u2800\\u3164\\uFEFF\\uFFA0]',
    '[\\u180B-\\u180F\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u206F\\uFE00-\\uFE0F\\uFFF9-\\uFFFB]',
    '[\\u{1D173}-\\u{1D17A}\\u{E0000}-\\u{E0FFF}]',
  ].join('|'),
  'gu',
);

/** C0 and C1 control characters except tab and newline (carriage returns are normalised first). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/**
 * Normalises line ends (CR LF and lone CR become LF; the line and paragraph separators too) and
 * removes invisible and control characters, keeping tabs and newlines.
 */
export function stripInvisibleCharacters(text: string): string {
  return text
    .replace(/\r\n?|[\u2028\u2029]/g, '\n')
    .replace(INVISIBLE_CHARACTERS, '')
    .replace(CONTROL_CHARACTERS, '');
}

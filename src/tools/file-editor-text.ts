/** Text helpers of the file editor: `cat -n` numbering, clipping, line arithmetic. */

export const EDITOR_MAX_CHARS = 16_000;
export const SNIPPET_LINES = 4;

const CLIPPED_NOTE =
  '<response clipped><NOTE>To save on context only part of this file has been shown to you. You should retry this tool after you have searched inside the file with `grep -n` in order to find the line numbers of what you are looking for.</NOTE>';

export function clip(text: string, maxChars = EDITOR_MAX_CHARS): { text: string; truncated: boolean } {
  if (text.length <= maxChars) return { text, truncated: false };
  return { text: text.slice(0, maxChars) + CLIPPED_NOTE, truncated: true };
}

/** Lines as `cat -n` counts them: a final newline ends the last line rather than starting one. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  return lines;
}

export function joinLines(lines: readonly string[], trailingNewline: boolean): string {
  if (lines.length === 0) return '';
  return lines.join('\n') + (trailingNewline ? '\n' : '');
}

/** `cat -n` output of `lines`, numbered from `firstLine`. */
export function numbered(lines: readonly string[], firstLine = 1): string {
  return lines.map((line, index) => `${String(index + firstLine).padStart(6)}\t${line}`).join('\n');
}

/** The numbered lines around an edit: SNIPPET_LINES before and after the edited lines. */
export function snippet(text: string, firstEditedLine: number, editedLineCount: number): string {
  const lines = splitLines(text);
  const start = Math.max(0, firstEditedLine - 1 - SNIPPET_LINES);
  const end = Math.min(lines.length, firstEditedLine - 1 + editedLineCount + SNIPPET_LINES);
  return numbered(lines.slice(start, end), start + 1);
}

/** 1-based line of character offset `index`. */
export function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

export function occurrences(text: string, needle: string): number[] {
  const found: number[] = [];
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) found.push(at);
  return found;
}

/**
 * Checks `view_range` against a file of `lineCount` lines; returns the 1-based inclusive range or the
 * error message OpenHands gives for it.
 */
export function checkViewRange(
  range: readonly number[],
  lineCount: number,
): { start: number; end: number } | { error: string } {
  const shown = `[${range.join(', ')}]`;
  const [start, end] = range;
  if (range.length !== 2 || start === undefined || end === undefined) {
    return { error: 'Invalid `view_range` parameter. It should be a list of two integers.' };
  }
  if (start < 1 || start > Math.max(lineCount, 1)) {
    return {
      error: `Invalid \`view_range\` parameter: ${shown}. Its first element \`${start}\` should be within the range of lines of the file: [1, ${lineCount}].`,
    };
  }
  if (end !== -1 && end > lineCount) {
    return {
      error: `Invalid \`view_range\` parameter: ${shown}. Its second element \`${end}\` should be smaller than the number of lines in the file: \`${lineCount}\`.`,
    };
  }
  if (end !== -1 && end < start) {
    return {
      error: `Invalid \`view_range\` parameter: ${shown}. Its second element \`${end}\` should be larger or equal than its first \`${start}\`.`,
    };
  }
  return { start, end: end === -1 ? lineCount : end };
}

import { codeSpan } from '../../../security/markdown/code-span.js';

/**
 * Shows a command or path as one line of inline code whatever it contains: newlines become "⏎" and
 * the text is cut to `max` characters before it goes into a span nothing can end (`codeSpan`), so the
 * text cannot break out into markdown. Mentions inside code never notify.
 */
export function inlineCode(text: string, max = 160): string {
  let line = text.replace(/\r?\n/g, ' ⏎ ').replace(/\s+/g, ' ').trim();
  if (line.length > max) line = `${line.slice(0, max - 1)}…`;
  return codeSpan(line);
}

import { codeSpan } from './code-span.js';

/** `@user` or `@org/team`, where GitHub would notify. */
const MENTION = /(^|[^\w`])@([A-Za-z0-9][A-Za-z0-9-]{0,38}(?:\/[\w.-]+)?)/g;
/** `fixes #4`, `closes: other/repo#5`: merged, they close an issue the run was not about. */
const CLOSING_REFERENCE = /\b(close[sd]?|fix(?:e[sd])?|resolve[sd]?)(\s*:?\s+)((?:[\w.-]+\/[\w.-]+)?#\d+)/gi;
/** A closing keyword right before a link: `fixes https://github.com/o/r/issues/5`. */
export const CLOSING_KEYWORD_AT_END = /\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s*:?\s+$/i;
/** Characters that could start Markdown or an HTML entity anywhere in a line. */
const INLINE_SPECIAL = /[\\`*_[\]<>!&|~#]/g;
/** What could start a block at the start of a line: list markers, setext underlines, ordered items. */
const LINE_START_MARKER = /^[-+=]/;
const LINE_START_ORDERED = /^(\d+)([.)])/;

/** Whether plain text (a text node's value) holds a mention or a closing reference. */
export function hasReferences(value: string): boolean {
  return referenceSpans(value).length > 0;
}

interface Span {
  readonly start: number;
  readonly end: number;
  /** What goes into the code span: `@name`, or the reference without its verb. */
  readonly text: string;
}

/** The mentions and closing references in plain text, in order, none overlapping. */
export function referenceSpans(value: string): Span[] {
  const spans: Span[] = [];
  for (const m of value.matchAll(MENTION)) {
    const start = (m.index ?? 0) + (m[1] ?? '').length;
    spans.push({ start, end: (m.index ?? 0) + m[0].length, text: `@${m[2]}` });
  }
  for (const m of value.matchAll(CLOSING_REFERENCE)) {
    const start = (m.index ?? 0) + (m[1] ?? '').length + (m[2] ?? '').length;
    spans.push({ start, end: (m.index ?? 0) + m[0].length, text: m[3] ?? '' });
  }
  spans.sort((a, b) => a.start - b.start);
  let at = 0;
  return spans.filter((span) => {
    if (span.start < at) return false;
    at = span.end;
    return true;
  });
}

/**
 * Plain text (a text node's value) as Markdown with its mentions and closing references in code spans,
 * which GitHub neither notifies nor links, and every other character that could mean Markdown escaped.
 */
export function markReferences(value: string): string {
  let out = '';
  let at = 0;
  for (const span of referenceSpans(value)) {
    out += escapeText(value.slice(at, span.start)) + codeSpan(span.text);
    at = span.end;
  }
  return out + escapeText(value.slice(at));
}

/** Every line is treated as a line start: escaping a `-` mid-line costs nothing. */
function escapeText(text: string): string {
  return text
    .split('\n')
    .map((line) =>
      line
        .replace(INLINE_SPECIAL, '\\$&')
        .replace(LINE_START_MARKER, '\\$&')
        .replace(LINE_START_ORDERED, '$1\\$2'),
    )
    .join('\n');
}

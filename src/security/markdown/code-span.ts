/**
 * `text` as one code span that nothing inside can end: the fence is longer than any run of backticks
 * in it (the CommonMark rule) and padded when the text starts or ends with one. GitHub neither links,
 * notifies nor fetches anything in a code span. Newlines become spaces (a span never ends a block).
 */
export function codeSpan(text: string): string {
  const line = text.replace(/\n/g, ' ');
  const longest = Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = line.startsWith('`') || line.endsWith('`') || line.trim() === '' ? ' ' : '';
  return `${fence}${pad}${line}${pad}${fence}`;
}

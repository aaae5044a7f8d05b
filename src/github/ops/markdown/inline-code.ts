/**
 * Shows a command or path as one line of inline code whatever it contains: newlines become "⏎", the
 * text is cut to `max` characters, and the fence is longer than any run of backticks inside (the
 * CommonMark rule), so the text cannot break out into markdown. Mentions inside code never notify.
 */
export function inlineCode(text: string, max = 160): string {
  let line = text.replace(/\r?\n/g, ' ⏎ ').replace(/\s+/g, ' ').trim();
  if (line.length > max) line = `${line.slice(0, max - 1)}…`;
  const longest = Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = line.startsWith('`') || line.endsWith('`') || line === '' ? ' ' : '';
  return `${fence}${pad}${line}${pad}${fence}`;
}

/** `thread 123: what I did` on a line of its own, as the PR task prompt asks. */
const LINE = /^\s*[-*]?\s*thread\s+#?(\d+)\s*:\s*(.+?)\s*$/gim;

/**
 * Finds the per-thread replies in the agent's finish message. Only threads that were shown to the
 * agent count (an id it invented, or copied from a comment, is ignored); the first line for a thread wins.
 */
export function parseThreadReplies(
  finishMessage: string,
  shownThreadIds: ReadonlySet<number>,
): Map<number, string> {
  const replies = new Map<number, string>();
  for (const match of finishMessage.matchAll(LINE)) {
    const id = Number(match[1]);
    const text = match[2] ?? '';
    if (shownThreadIds.has(id) && !replies.has(id) && text !== '') replies.set(id, text);
  }
  return replies;
}

/** An HTML comment; one left open runs to the end, as GitHub hides an unclosed block comment. */
const HTML_COMMENT = /<!--[\s\S]*?(?:-->|$)/g;

/**
 * Removes HTML comments from text read line by line rather than parsed (a command in a comment, a
 * pull request template's notes to its author), code blocks included: where the text is parsed,
 * `sanitizeUntrustedText` and `neutralizeAgentMarkdown` find comments themselves.
 */
export function stripHtmlComments(text: string): string {
  return text.replace(HTML_COMMENT, '');
}

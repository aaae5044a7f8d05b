const HTML_COMMENT = /<!--[\s\S]*?(?:-->|$)/g;
/** Zero-width, bidi and tag characters: they hide or reorder words for a human reader. */
const INVISIBLE = /[\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u206F\uFEFF]|\uDB40[\uDC00-\uDCFF]/g;
const MENTION = /(^|[^\w`])@([A-Za-z0-9][A-Za-z0-9-]{0,38}(?:\/[\w.-]+)?)/g;
const CLOSING_REFERENCE =
  /\b(close[sd]?|fix(?:e[sd])?|resolve[sd]?)(\s*:?\s+)((?:[\w.-]+\/[\w.-]+)?#\d+|https:\/\/\S+\/(?:issues|pull)\/\d+)/gi;

/**
 * Makes text the agent wrote (a summary, an explanation, a thread reply) safe to post: the agent read
 * untrusted input, so its words could carry a hidden comment that forges handsbot's markers,
 * invisible characters, @mentions that ping strangers, or "fixes #N" that would close an unrelated
 * issue on merge. Comments and invisible characters are removed; mentions and closing references go
 * into code spans, which GitHub neither notifies nor links. Indentation is kept (code in a summary).
 */
export function neutralizeAgentMarkdown(text: string): string {
  let result = text.replace(/\r\n?/g, '\n').replace(INVISIBLE, '');
  for (let pass = 0; pass < 3 && result.includes('<!--'); pass++) result = result.replace(HTML_COMMENT, '');
  return result
    .replace(MENTION, (_m, before: string, name: string) => `${before}\`@${name}\``)
    .replace(CLOSING_REFERENCE, (_m, verb: string, gap: string, ref: string) => `${verb}${gap}\`${ref}\``)
    .trim();
}

import type { Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';

/**
 * Parses Markdown as GitHub does (CommonMark with the GFM extensions: tables, task lists,
 * strikethrough, footnotes, bare-URL autolinks), with source positions on every node. The one parser
 * for untrusted and agent-written Markdown, so what is checked is what is parsed.
 */
export function parseMarkdown(text: string): Root {
  return fromMarkdown(text, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
}

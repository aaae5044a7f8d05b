import type { Html, Link, Nodes, Parents, Text } from 'mdast';
import { toString as plainTextOf } from 'mdast-util-to-string';
import { CONTINUE, SKIP, visit } from 'unist-util-visit';
import { codeSpan } from './code-span.js';
import { inspectHtml } from './inspect-html.js';
import { isAllowedUrl } from './is-allowed-url.js';
import { CLOSING_KEYWORD_AT_END, hasReferences, markReferences, referenceSpans } from './mark-references.js';
import { parseMarkdown } from './parse-markdown.js';

/** Replace `source.slice(start, end)` with `text`. */
export interface SourceEdit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/**
 * The edits that make one pass over agent-written Markdown safe to post, found by parsing it:
 * - images (inline and raw HTML) off `allowedHosts` become code, as written;
 * - links off the host (inline, autolinks, bare URLs) keep their text, the URL goes into a code span;
 * - link and footnote definitions off the host become code (their references then render as plain
 *   text), and definitions nothing uses, Markdown's own hidden comments, go;
 * - raw HTML that fetches, links off the host, embeds or styles becomes code; HTML comments go;
 * - @mentions and closing references (`fixes #4`, also before an issue URL) go into code spans.
 * Code spans and blocks are never touched. Nodes are edited whole and never nested in one pass, so
 * the caller parses the result again until a pass finds nothing.
 */
export function planNeutralizingEdits(source: string, allowedHosts: readonly string[]): SourceEdit[] {
  const tree = parseMarkdown(source);
  const used = new Set<string>();
  const parents = new Map<Nodes, Parents>();
  visit(tree, (node, _index, parent) => {
    if (parent) parents.set(node, parent);
    if (
      node.type === 'linkReference' ||
      node.type === 'imageReference' ||
      node.type === 'footnoteReference'
    ) {
      used.add(`${node.type === 'footnoteReference' ? 'footnote' : 'link'}:${node.identifier}`);
    }
  });
  const allowed = (url: string) => isAllowedUrl(url, allowedHosts);
  const edits: SourceEdit[] = [];
  visit(tree, (node, index, parent) => {
    const start = node.position?.start.offset;
    const end = node.position?.end.offset;
    if (start === undefined || end === undefined) {
      // Bare URLs found after parsing (in a paragraph with a stray `[`, say) carry no position.
      const unsafe =
        node.type === 'link'
          ? !allowed(node.url) || closesByUrl(node, index, parent)
          : node.type === 'text' && hasReferences(node.value);
      if (!unsafe) return CONTINUE;
      const fix = editWithoutPosition(node, parents, source);
      if (fix) edits.push(fix);
      return SKIP;
    }
    const slice = source.slice(start, end);
    const edit = (text: string) => {
      edits.push({ start, end, text });
      return SKIP;
    };
    switch (node.type) {
      case 'code':
      case 'inlineCode':
        return SKIP;
      case 'html': {
        const { hazards, onlyComments } = inspectHtml(node.value, allowedHosts);
        if (hazards.length === 0) return SKIP;
        return edit(onlyComments ? '' : htmlAsCode(node, parent));
      }
      case 'image':
        return allowed(node.url) ? CONTINUE : edit(codeSpan(slice));
      case 'link':
        if (!allowed(node.url)) return edit(linkAsText(node, slice, source));
        return closesByUrl(node, index, parent) ? edit(linkAsText(node, slice, source)) : CONTINUE;
      case 'definition':
        if (!allowed(node.url)) return edit(codeSpan(slice));
        return used.has(`link:${node.identifier}`) ? SKIP : edit('');
      case 'footnoteDefinition':
        return used.has(`footnote:${node.identifier}`) ? CONTINUE : edit('');
      case 'text':
        return hasReferences(node.value) ? edit(textWithMarkedReferences(node, slice)) : CONTINUE;
      default:
        return CONTINUE;
    }
  });
  return edits;
}

/**
 * For a node the parser left without a position: its text (the bare URL, the mention) is found in
 * the source of the nearest ancestor that has one and put in a code span there; when it is not found
 * as such (written with entities), the whole ancestor becomes one code span. A wrong guess only costs
 * another pass, and the caller's last resort is a code block.
 */
function editWithoutPosition(
  node: Nodes,
  parents: ReadonlyMap<Nodes, Parents>,
  source: string,
): SourceEdit | null {
  const needle = node.type === 'text' ? referenceSpans(node.value)[0]?.text : plainTextOf(node);
  let ancestor = parents.get(node);
  while (ancestor && ancestor.position?.start.offset === undefined) ancestor = parents.get(ancestor);
  const start = ancestor?.position?.start.offset;
  const end = ancestor?.position?.end.offset;
  if (!ancestor || ancestor.type === 'root' || start === undefined || end === undefined) return null;
  const slice = source.slice(start, end);
  const at = needle ? slice.indexOf(needle) : -1;
  if (needle && at >= 0)
    return { start: start + at, end: start + at + needle.length, text: codeSpan(needle) };
  return { start, end, text: codeSpan(slice) };
}

/**
 * Raw HTML shown as code: a block at the top level as a fenced `html` block (its lines kept), anything
 * else as one code span (inside a list or quote a block's continuation prefixes are not in its value).
 */
function htmlAsCode(node: Html, parent: Parents | undefined): string {
  if (parent?.type !== 'root') return codeSpan(node.value);
  const longest = Math.max(0, ...(node.value.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}html\n${node.value}\n${fence}`;
}

/** `[text](url)` becomes `text (`url`)`; an autolink or a bare URL becomes a code span. */
function linkAsText(node: Link, slice: string, source: string): string {
  if (!slice.startsWith('[')) return codeSpan(slice.startsWith('<') ? slice.slice(1, -1) : slice);
  const first = node.children[0]?.position?.start.offset;
  const last = node.children.at(-1)?.position?.end.offset;
  const label = first !== undefined && last !== undefined ? source.slice(first, last) : '';
  return label.trim() === '' ? codeSpan(node.url) : `${label} (${codeSpan(node.url)})`;
}

/** A link to an issue or pull request right after `fixes`: merged, it would close that issue. */
function closesByUrl(node: Link, index: number | undefined, parent: Parents | undefined): boolean {
  const before: Nodes | undefined =
    index !== undefined && index > 0 ? parent?.children[index - 1] : undefined;
  return (
    before?.type === 'text' &&
    CLOSING_KEYWORD_AT_END.test(before.value) &&
    /\/(?:issues|pull)\/\d+/.test(node.url)
  );
}

/**
 * A text node rewritten from its value (escapes and entities already decoded, so `&#64;x` counts as
 * a mention), each source line keeping its container prefix (`> `, list indentation).
 */
function textWithMarkedReferences(node: Text, slice: string): string {
  const sourceLines = slice.split('\n');
  const valueLines = node.value.split('\n');
  // An entity such as `&#10;` put a newline in the value that the source does not have: one line.
  if (sourceLines.length !== valueLines.length) return markReferences(node.value.replace(/\n/g, ' '));
  const marked = markReferences(node.value).split('\n');
  return marked
    .map((line, i) => (i === 0 ? line : `${/^[ \t>]*/.exec(sourceLines[i] ?? '')?.[0] ?? ''}${line}`))
    .join('\n');
}

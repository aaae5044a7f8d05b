import type { Nodes } from 'mdast';
import { type DefaultTreeAdapterMap, parseFragment } from 'parse5';
import { SKIP, visit } from 'unist-util-visit';
import { parseMarkdown } from '../../src/security/markdown/parse-markdown.js';

type Parse5Node = DefaultTreeAdapterMap['childNode'];

/**
 * What in `markdown` would render as a link, an image or raw HTML pointing off `host` (or as a hidden
 * comment), judged independently of the code under test: the same parser, but its own URL rule (the
 * URL resolved against a page on `host`) and a blunt HTML rule (any attribute naming another host,
 * any style with `url(`, any `<svg>`, `<iframe>`, `<object>`, `<embed>` or comment).
 */
export function offHostReferences(markdown: string, host = 'github.com'): string[] {
  const found: string[] = [];
  const offHost = (url: string) => {
    try {
      const resolved = new URL(url, `https://${host}/o/r/blob/main/README.md`);
      return !['http:', 'https:'].includes(resolved.protocol) || resolved.host !== host;
    } catch {
      return true;
    }
  };
  visit(parseMarkdown(markdown), (node: Nodes) => {
    if (node.type === 'code' || node.type === 'inlineCode') return SKIP;
    if ((node.type === 'image' || node.type === 'link' || node.type === 'definition') && offHost(node.url)) {
      found.push(`${node.type} ${node.url}`);
    }
    if (node.type === 'html') found.push(...htmlProblems(node.value, host));
    return undefined;
  });
  return found;
}

function htmlProblems(html: string, host: string): string[] {
  const found: string[] = [];
  const walk = (nodes: readonly Parse5Node[]) => {
    for (const node of nodes) {
      if (node.nodeName === '#comment') found.push('html comment');
      if (!('tagName' in node)) continue;
      if (['svg', 'iframe', 'object', 'embed', 'link', 'meta', 'base'].includes(node.tagName)) {
        found.push(`<${node.tagName}>`);
      }
      for (const { name, value } of node.attrs) {
        if (/url\s*\(/i.test(value)) found.push(`${name}=${value}`);
        for (const m of value.matchAll(/(?:[a-z]+:)?[\\/]{2}([^\\/\s"'?#,]+)/gi)) {
          if (m[1]?.toLowerCase() !== host) found.push(`<${node.tagName} ${name}=${value}>`);
        }
        if (['src', 'href', 'poster', 'data', 'background', 'srcset'].includes(name)) {
          for (const url of value.split(/[\s,]+/).filter(Boolean)) {
            if (
              !/^\d+[wx]$/.test(url) &&
              (/^[a-z][\w+.-]*:/i.test(url) || url.startsWith('//')) &&
              !url.startsWith(`https://${host}/`)
            ) {
              found.push(`<${node.tagName} ${name}=${url}>`);
            }
          }
        }
      }
      walk(node.childNodes);
    }
  };
  walk(parseFragment(html).childNodes);
  return found;
}

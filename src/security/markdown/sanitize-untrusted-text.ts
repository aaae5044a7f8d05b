import { randomBytes } from 'node:crypto';
import type { Element, Nodes as HastNodes, Root as HastRoot, Properties } from 'hast';
import { raw } from 'hast-util-raw';
import { toMdast } from 'hast-util-to-mdast';
import type { Break, Nodes as MdastNodes, Root as MdastRoot } from 'mdast';
import { gfmToMarkdown } from 'mdast-util-gfm';
import { toHast } from 'mdast-util-to-hast';
import { defaultHandlers, type Handle, toMarkdown } from 'mdast-util-to-markdown';
import { stripInvisibleCharacters } from './invisible-characters.js';
import { parseMarkdown } from './parse-markdown.js';
import { stripHtmlComments } from './strip-html-comments.js';

/** Elements whose content no reader of the GitHub page sees. */
const UNSEEN_ELEMENTS = new Set([
  'template',
  'script',
  'style',
  'noscript',
  'iframe',
  'object',
  'embed',
  'svg',
  'math',
  'frame',
  'frameset',
  'noembed',
  'noframes',
  'head',
  'title',
  'meta',
  'link',
  'base',
  'param',
  'track',
]);
/** Inline styles that hide an element (some renderers of GitHub's HTML, e-mail clients, keep them). */
const HIDING_STYLE =
  /display\s*:\s*none|visibility\s*:\s*hidden|content-visibility\s*:\s*hidden|font-size\s*:\s*0(?![.\d])|opacity\s*:\s*0(?![.\d]*[1-9])/i;

/**
 * Makes issue bodies, comments and file contents safe to show an LLM: the text is rendered as GitHub
 * renders it (GFM, raw HTML parsed as a browser would) and only what a reader of the page sees is
 * written back as Markdown. Gone: HTML comments (an unterminated one too), Markdown comments (link
 * definitions nothing uses, `[//]: # (…)`), link and image titles, image alt text (shown as
 * `image`), hidden elements (`hidden`, `aria-hidden`, hiding styles) and `<template>`, `<script>`,
 * `<style>`, `<svg>`…; invisible and control characters; runs of spaces that push text out of view.
 * Kept: `<details>` at any depth (every reader can open it), code as written, links and their URLs.
 */
export function sanitizeUntrustedText(text: string): string {
  const mdast = parseMarkdown(stripInvisibleCharacters(text.normalize('NFC')));
  keepLineBreaks(mdast);
  const hast = raw(toHast(mdast, { allowDangerousHtml: true })) as HastRoot;
  keepSeen(hast, false);
  const markdown = toMarkdown(toMdast(hast), {
    extensions: [gfmToMarkdown()],
    bullet: '-',
    rule: '-',
    handlers: { break: () => '\n', link: bareUrlOrLink },
  });
  return stripInvisibleCharacters(markdown)
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * GitHub shows a line break in an issue or comment where the author typed one: keep each as a break
 * (rendering as HTML would fold it into a space), written back as a plain newline.
 */
function keepLineBreaks(node: MdastRoot | MdastNodes): void {
  if (!('children' in node)) return;
  const children: MdastNodes[] = [];
  for (const child of node.children as MdastNodes[]) {
    if (child.type === 'text' && child.value.includes('\n')) {
      child.value.split('\n').forEach((line, i) => {
        if (i > 0) children.push({ type: 'break' } satisfies Break);
        if (line !== '') children.push({ type: 'text', value: line });
      });
      continue;
    }
    keepLineBreaks(child);
    children.push(child);
  }
  (node as { children: MdastNodes[] }).children = children;
}

/** A link whose text is its URL is written as the bare URL, as it was typed. */
const bareUrlOrLink: Handle = (node, parent, state, info) => {
  const [only, ...rest] = node.children;
  if (
    rest.length === 0 &&
    only?.type === 'text' &&
    only.value === node.url &&
    /^https?:\/\/\S+$/.test(node.url)
  ) {
    return node.url;
  }
  return defaultHandlers.link(node, parent, state, info);
};

/** Removes in place what a reader does not see; `inCode`: inside `<pre>`/`<code>`, kept verbatim. */
function keepSeen(node: HastRoot | Element, inCode: boolean): void {
  const kept: HastNodes[] = [];
  for (const child of node.children as readonly HastNodes[]) {
    if (child.type === 'comment') continue;
    if (child.type === 'element') {
      if (isUnseen(child)) continue;
      scrubProperties(child.properties);
      keepSeen(child, inCode || child.tagName === 'pre' || child.tagName === 'code');
    }
    if (child.type === 'text' && !inCode) {
      // An unterminated comment written mid-line is literal text to cmark; cut it anyway (fail closed).
      const open = child.value.indexOf('<!--');
      if (open >= 0) child.value = child.value.slice(0, open);
      child.value = child.value.replace(/[^\S\n]{4,}/g, '   ');
    }
    kept.push(child);
  }
  (node as { children: HastNodes[] }).children = kept;
}

function isUnseen(element: Element): boolean {
  const { hidden, ariaHidden, style } = element.properties;
  return (
    UNSEEN_ELEMENTS.has(element.tagName) ||
    (hidden !== undefined && hidden !== false && hidden !== null) ||
    String(ariaHidden) === 'true' ||
    (typeof style === 'string' && HIDING_STYLE.test(style))
  );
}

/** Titles show only on hover and alt text only when an image fails: neither reaches the model. */
function scrubProperties(properties: Properties): void {
  delete properties.title;
  if ('alt' in properties) properties.alt = 'image';
}

/**
 * For one line of untrusted plain text that GitHub shows without rendering Markdown (an issue title,
 * a check's name, a URL): invisible and control characters removed, white space collapsed.
 */
export function sanitizeUntrustedLine(text: string): string {
  return stripInvisibleCharacters(text.normalize('NFC')).replace(/\s+/g, ' ').trim();
}

/**
 * Wraps untrusted text in a block the text cannot close: the fence carries a random nonce, and any
 * line of the text that imitates a fence is escaped anyway. The label says whose text it is, so the
 * prompt can tell the model to treat the block as data.
 */
export function quoteUntrusted(
  label: string,
  text: string,
  nonce: string = randomBytes(8).toString('hex'),
): string {
  const cleanLabel =
    stripHtmlComments(sanitizeUntrustedLine(label))
      .replace(/[^\w .:#/@-]/g, '')
      .trim()
      .slice(0, 80) || 'untrusted';
  // The nonce already makes the fence unguessable; escaping look-alikes keeps a reader from being fooled.
  const body = sanitizeUntrustedText(text).replace(/<(\s*\/?\s*)untrusted/gi, '&lt;$1untrusted');
  return [`<untrusted-${nonce} source="${cleanLabel}">`, body, `</untrusted-${nonce}>`].join('\n');
}

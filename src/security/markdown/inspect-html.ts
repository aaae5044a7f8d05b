import { type DefaultTreeAdapterMap, parseFragment } from 'parse5';
import { isAllowedUrl } from './is-allowed-url.js';

type Parse5Node = DefaultTreeAdapterMap['childNode'];
type Parse5Element = DefaultTreeAdapterMap['element'];

/** Something in raw HTML that could fetch, link or hide: why a fragment cannot go out as written. */
export type HtmlHazard =
  | { readonly kind: 'comment' }
  /** An element that embeds, scripts, styles or draws (its URLs cannot all be checked). */
  | { readonly kind: 'element'; readonly tag: string }
  | { readonly kind: 'url'; readonly tag: string; readonly attribute: string; readonly url: string }
  | { readonly kind: 'style'; readonly tag: string };

export interface HtmlInspection {
  readonly hazards: readonly HtmlHazard[];
  /** Nothing but comments and white space: the fragment can simply go. */
  readonly onlyComments: boolean;
}

/** Elements refused whatever their attributes say. */
const REFUSED_ELEMENTS = new Set([
  'script',
  'style',
  'template',
  'svg',
  'math',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'link',
  'meta',
  'base',
  'form',
  'portal',
  'noscript',
  'noembed',
  'noframes',
  'xmp',
  'plaintext',
]);

/** Attributes whose value is fetched or followed as a URL (`srcset`-style lists included). */
const URL_ATTRIBUTES = new Set([
  'href',
  'src',
  'poster',
  'data',
  'background',
  'action',
  'formaction',
  'cite',
  'longdesc',
  'lowsrc',
  'dynsrc',
  'xlink:href',
  'codebase',
  'archive',
  'manifest',
  'usemap',
  'icon',
  'profile',
  'itemtype',
  'itemid',
  'ping',
  'srcset',
  'imagesrcset',
]);
const URL_LIST_ATTRIBUTES = new Set(['srcset', 'imagesrcset', 'ping', 'archive']);
/** CSS that fetches (`url(`, `image-set(`, `@import`) or hides its intent in escapes. */
const FETCHING_STYLE = /url\s*\(|image-set|@import|expression\s*\(|\\/i;
/** A value that reads as an absolute or protocol-relative URL, whatever attribute holds it. */
const LOOKS_ABSOLUTE = /^\s*(?:[a-z][a-z\d+.-]*:|[\\/]{2})/i;
/** A web URL anywhere in a value (alt text, a data attribute): some renderer might follow it. */
const WEB_URL_INSIDE = /(?:https?:)?[\\/]{2}[^\s"'<>]+/gi;

/**
 * Parses a raw HTML fragment as a browser would (parse5) and lists what could leave or hide:
 * comments, refused elements, URLs off `allowedHosts` in any URL attribute (every `srcset`
 * candidate) or in any attribute that holds an absolute URL, and styles that fetch.
 */
export function inspectHtml(html: string, allowedHosts: readonly string[]): HtmlInspection {
  const hazards: HtmlHazard[] = [];
  let onlyComments = true;
  const visit = (nodes: readonly Parse5Node[]): void => {
    for (const node of nodes) {
      if (node.nodeName === '#comment') {
        hazards.push({ kind: 'comment' });
        continue;
      }
      if (node.nodeName === '#text') {
        if ('value' in node && node.value.trim() !== '') onlyComments = false;
        continue;
      }
      if (!('tagName' in node)) continue;
      onlyComments = false;
      inspectElement(node, allowedHosts, hazards);
      visit(node.childNodes);
      if (node.tagName === 'template' && 'content' in node) visit(node.content.childNodes);
    }
  };
  visit(parseFragment(html).childNodes);
  return { hazards, onlyComments };
}

function inspectElement(element: Parse5Element, allowedHosts: readonly string[], out: HtmlHazard[]): void {
  const tag = element.tagName;
  if (REFUSED_ELEMENTS.has(tag)) out.push({ kind: 'element', tag });
  for (const { name, value, prefix } of element.attrs) {
    const attribute = prefix ? `${prefix}:${name}` : name;
    if (attribute === 'style' && FETCHING_STYLE.test(value)) out.push({ kind: 'style', tag });
    const urls =
      URL_ATTRIBUTES.has(attribute) || LOOKS_ABSOLUTE.test(value)
        ? URL_LIST_ATTRIBUTES.has(attribute)
          ? urlList(value)
          : [value]
        : [...value.matchAll(WEB_URL_INSIDE)].map((m) => m[0]);
    for (const url of urls) {
      if (!isAllowedUrl(url, allowedHosts)) out.push({ kind: 'url', tag, attribute, url });
    }
  }
}

/**
 * Every token of a `srcset`-style list, split on commas and white space so no URL hides inside
 * another; descriptors (`2x`, `100w`) read as relative URLs and pass.
 */
function urlList(value: string): string[] {
  return value.split(/[\s,]+/).filter((url) => url !== '');
}

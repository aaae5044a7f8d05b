/** Base for relative URLs: a relative link on GitHub stays on GitHub's own host. */
const RELATIVE_BASE = 'https://relative.invalid/';
const RELATIVE_HOST = 'relative.invalid';

/**
 * Whether a link or image URL stays on one of `allowedHosts` (host names, with a port when there is
 * one, e.g. `github.com` or `ghe.example.com:8443`). Relative URLs and `#anchors` stay; a
 * protocol-relative `//host`, `/\host` (browsers read the backslash as a slash) and every scheme but
 * http(s) do not. Resolution is the WHATWG URL parser's, as the browser that fetches it would do.
 */
export function isAllowedUrl(url: string, allowedHosts: readonly string[]): boolean {
  // As the URL parser does: tabs and newlines anywhere, C0 controls and spaces at either end, go.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the URL parser's own rule.
  const cleaned = url.replace(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '');
  let parsed: URL;
  try {
    // With a scheme the URL is absolute (`https:evil.example` too, whatever the page's own scheme).
    parsed = /^[a-z][a-z\d+.-]*:/i.test(cleaned) ? new URL(cleaned) : new URL(cleaned, RELATIVE_BASE);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return false;
  if (parsed.username !== '' || parsed.password !== '') return false;
  const host = parsed.host.toLowerCase();
  return host === RELATIVE_HOST || allowedHosts.some((allowed) => allowed.toLowerCase() === host);
}

import { SECRET_MASK } from './secret-mask.js';

/** What ends a run of characters a URL can be written with. */
const DELIMITER = /[\s'"<>]/;
const SCHEME_CHARACTER = /[A-Za-z0-9+.-]/;
const TOKEN_USER = /^[A-Za-z0-9_-]{20,}$/;

/**
 * Masks credentials in URLs: the password, from after `user:` to the last `@` of the run (a password
 * may hold `/`, `:` or `@`, written unescaped by tools even where RFC 3986 forbids it, and masking to the
 * first `@` would leave the rest of it), or a token alone as the user (`https://<token>@github.com`).
 * Found from each `://` by a substring search, each run around one read once, left to right, with no
 * backtracking regular expression: linear on a megabyte of `h://u:h://u:…`, and nearly free on text
 * with no URL.
 */
export function maskUrlCredentials(text: string): string {
  const parts: string[] = [];
  let kept = 0;
  let runsEnd = 0;
  for (let p = text.indexOf('://'); p !== -1; p = text.indexOf('://', runsEnd)) {
    let start = p;
    while (start > runsEnd && !DELIMITER.test(text[start - 1] ?? ' ')) start--;
    let end = p + 3;
    while (end < text.length && !DELIMITER.test(text[end] ?? ' ')) end++;
    runsEnd = end;
    const run = text.slice(start, end);
    const masked = maskRun(run);
    if (masked === run) continue;
    parts.push(text.slice(kept, start), masked);
    kept = end;
  }
  if (kept === 0) return text;
  parts.push(text.slice(kept));
  return parts.join('');
}

function maskRun(run: string): string {
  const lastAt = run.lastIndexOf('@');
  if (lastAt === -1) return run;
  const parts: string[] = [];
  let kept = 0;
  for (let p = run.indexOf('://'); p !== -1 && p < lastAt; p = run.indexOf('://', p + 3)) {
    if (p < kept || !SCHEME_CHARACTER.test(run[p - 1] ?? '')) continue;
    const userStart = p + 3;
    // The user ends at the first `:`, `/` or `@`; the next `://` starts with `:`, so these scans
    // together read the run once.
    let q = userStart;
    while (q < run.length && run[q] !== ':' && run[q] !== '/' && run[q] !== '@') q++;
    if (run[q] === ':' && q < lastAt) {
      parts.push(run.slice(kept, q + 1), SECRET_MASK);
      kept = lastAt;
      break;
    }
    if (run[q] === '@' && TOKEN_USER.test(run.slice(userStart, q))) {
      parts.push(run.slice(kept, userStart), SECRET_MASK);
      kept = q;
    }
  }
  if (kept === 0) return run;
  parts.push(run.slice(kept));
  return parts.join('');
}

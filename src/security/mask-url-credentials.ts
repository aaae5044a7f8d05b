import { SECRET_MASK } from './secret-mask.js';

/** A run of characters a URL can be written with, holding `://`, matched from its first character. */
const RUN_WITH_URL = /(?<![^\s'"<>])[^\s'"<>]*?:\/\/[^\s'"<>]*/g;
const SCHEME_CHARACTER = /[A-Za-z0-9+.-]/;
const TOKEN_USER = /^[A-Za-z0-9_-]{20,}$/;

/**
 * Masks credentials in URLs: the password, from after `user:` to the last `@` of the run (a password
 * may hold `/`, `:` or `@`, written unescaped by tools even where RFC 3986 forbids it, and masking to the
 * first `@` would leave the rest of it), or a token alone as the user (`https://<token>@github.com`).
 * Each run is read once, left to right, with no backtracking regular expression: linear on a megabyte
 * of `h://u:h://u:…`.
 */
export function maskUrlCredentials(text: string): string {
  return text.replace(RUN_WITH_URL, maskRun);
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

// Random Markdown mixing every form an agent could use to leak through an image or link.

/** A small seeded generator (mulberry32): the same cases on every run, any failure reproducible. */
export function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const URLS = [
  'https://evil.example/?d=S3CR3T',
  'http://evil.example/a.png',
  '//evil.example/x',
  '/\\evil.example/y',
  'https:evil.example/z',
  'https://github.com/acme/widgets/issues/1',
  'https://github.com@evil.example/u',
  'src/a.ts',
  '#usage',
  'HTTPS://EVIL.EXAMPLE/UP',
  'https://evil.example/a_(b)',
  'https://evil.example/sp ace',
];

/** Pieces an agent could write, each with `$U` for a URL and `$T` for nested text. */
const PIECES = [
  '![$T]($U)',
  '[$T]($U)',
  '[$T]($U "title")',
  "![$T]($U 't')",
  '<$U>',
  '$U',
  'www.evil.example/w',
  'x@evil.example',
  '![$T][r]',
  '[$T][r]',
  '[r]',
  '\n\n[r]: $U\n\n',
  '\n\n[R]: <$U> "t"\n\n',
  '[$T][]',
  '<img src="$U">',
  '<img src=$U alt="$T">',
  '<a href="$U">$T</a>',
  '<picture><source srcset="/a.png 1x, $U 2x"><img src="/a.png"></picture>',
  '<video poster="$U"></video>',
  '<div style="background:url($U)">$T</div>',
  '<svg><a href="$U">$T</a></svg>',
  '\n\n<div>\n<img src="$U">\n</div>\n\n',
  '<!-- $T -->',
  '<!-- open',
  '`',
  '``',
  '`$T`',
  '\n```\n$T\n```\n',
  '\n    indented $T\n',
  '\\',
  '[',
  ']',
  '(',
  ')',
  '!',
  '<',
  '>',
  '&#33;',
  '&lt;',
  '&#91;$T&#93;&#40;$U&#41;',
  '@alice',
  'fixes #3',
  '*',
  '_',
  '**$T**',
  '\n> ',
  '\n- ',
  '\n1. ',
  '\n| a | b |\n| - | - |\n| $T | c |\n',
  '\n<details><summary>$T</summary>\n\n',
  '</details>',
  '[^1]',
  '\n\n[^1]: $T\n\n',
  'plain words',
  ' ',
  '\n',
  '\n\n',
];

export function generate(next: () => number, depth = 0): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const count = 1 + Math.floor(next() * (depth === 0 ? 14 : 3));
  let out = '';
  for (let i = 0; i < count; i++) {
    out += pick(PIECES)
      .replace(/\$U/g, () => pick(URLS))
      .replace(/\$T/g, () => (depth < 2 && next() < 0.5 ? generate(next, depth + 1) : 'text'));
  }
  return out;
}

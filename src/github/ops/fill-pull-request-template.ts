import { stripHtmlComments } from '../../security/markdown/strip-html-comments.js';

export interface TemplateParts {
  readonly summary: string;
  readonly testing: string;
  /** The `Fixes #n` line. */
  readonly issue: string;
}

type Part = keyof TemplateParts;

/** Which template headings each part belongs under; the first matching heading wins. */
const HEADING_CLASSES: readonly { part: Part; pattern: RegExp }[] = [
  { part: 'issue', pattern: /\b(issues?|tickets?|related|fix(es)?|closes|resolves|links?)\b/i },
  { part: 'testing', pattern: /\b(test(s|ing|ed)?|verif\w*|qa|how (was|has) this been)\b/i },
  {
    part: 'summary',
    pattern: /\b(summary|description|describe|what|changes?|overview|motivation|context|why)\b/i,
  },
];

const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const CHECKLIST = /^\s*[-*+]\s+\[[ xX]\]\s/;
/** Placeholder lines such as `Fixes # (issue)` that templates leave for the author to complete. */
const ISSUE_PLACEHOLDER = /^\s*(fix(es)?|close[sd]?|resolve[sd]?)\s*:?\s*#\s*(\(.*\))?\s*$/i;

/**
 * Fills a repository's pull request template: each part goes under the first heading of its kind
 * (replacing the template's prompt text but keeping its checklists, which handsbot never ticks),
 * an `Fixes # (issue)` placeholder becomes the real line, and any part with no place is appended.
 * HTML comments (instructions for human authors) are dropped.
 */
export function fillPullRequestTemplate(template: string, parts: TemplateParts): string {
  const lines = stripHtmlComments(template.replace(/\r\n?/g, '\n')).split('\n');
  const placed = new Set<Part>();
  const out: string[] = [];
  let current: Part | null = null;
  for (const line of lines) {
    const heading = HEADING.exec(line);
    if (heading) {
      current = classify(heading[2] ?? '', placed);
      out.push(line);
      if (current) {
        out.push('', parts[current], '');
        placed.add(current);
      }
      continue;
    }
    if (ISSUE_PLACEHOLDER.test(line)) {
      if (!placed.has('issue')) out.push(parts.issue);
      placed.add('issue');
      continue;
    }
    // Under a filled heading only checklists survive; elsewhere the template stays as written.
    if (current === null || CHECKLIST.test(line)) out.push(line);
  }
  const body = out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  const head = placed.has('issue') ? [] : [parts.issue];
  const tail: string[] = [];
  if (!placed.has('summary')) tail.push('## Summary', parts.summary);
  if (!placed.has('testing')) tail.push('## Testing', parts.testing);
  return [...head, body, ...tail].filter((s) => s !== '').join('\n\n');
}

function classify(title: string, placed: ReadonlySet<Part>): Part | null {
  for (const { part, pattern } of HEADING_CLASSES) {
    if (!placed.has(part) && pattern.test(title)) return part;
  }
  return null;
}

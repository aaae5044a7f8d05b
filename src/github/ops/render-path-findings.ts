import type { PathFinding } from '../../security/classify-tree-changes.js';
import { inlineCode } from './markdown/inline-code.js';

/** The heading over flagged changes, in the PR body and in reports: meant to stop a reviewer. */
export const FLAGGED_CHANGES_HEADING =
  "## ⚠️ Changes to files that control later runs or developers' machines";

/** More than this many paths are counted, not listed: the list must not crowd out the rest. */
const MAX_LISTED = 30;

/**
 * The flagged paths under `FLAGGED_CHANGES_HEADING`, each with how it changed and why it matters, or
 * null when there are none. Paths and details are the agent's text (file names can hold Markdown,
 * newlines, backticks): each is inline code, which GitHub renders as nothing but text.
 */
export function renderFlaggedChanges(flagged: readonly PathFinding[] | undefined): string | null {
  if (!flagged || flagged.length === 0) return null;
  return [
    FLAGGED_CHANGES_HEADING,
    'These files run code or set policy outside the change itself (in later handsbot runs, in CI, in an editor, a shell, on install or in git). Read them before merging.',
    renderPathFindings(flagged),
  ].join('\n\n');
}

/** One bullet per finding: `path` (added): reason; at most `MAX_LISTED`, then how many more. */
export function renderPathFindings(findings: readonly PathFinding[]): string {
  const lines = findings.slice(0, MAX_LISTED).map((f) => {
    const detail = f.detail === undefined ? '' : ` (${inlineCode(f.detail, 120)})`;
    return `- ${inlineCode(f.path, 200)} (${f.change}): ${f.reason}${detail}`;
  });
  if (findings.length > MAX_LISTED) lines.push(`- …and ${findings.length - MAX_LISTED} more`);
  return lines.join('\n');
}

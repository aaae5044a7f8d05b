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
    const detail = f.detail === undefined ? '' : ` (${inlineCode(visible(f.detail), 120)})`;
    return `- ${inlineCode(visible(f.path), 200)} (${f.change}): ${f.reason}${detail}`;
  });
  if (findings.length > MAX_LISTED) lines.push(`- …and ${findings.length - MAX_LISTED} more`);
  return lines.join('\n');
}

/** Controls, format characters (bidi overrides, zero widths) and other invisibles. */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\u2028\u2029]/u;

/**
 * A path as a reviewer can tell it from another: one with characters that render as nothing or
 * reorder the text (`.github/\u202Elmy.snahnepo`) is shown JSON-escaped, every such character spelt out.
 */
function visible(text: string): string {
  return HIDDEN.test(text) ? JSON.stringify(text).replace(/[^\x20-\x7e]/gu, spellOut) : text;
}

function spellOut(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

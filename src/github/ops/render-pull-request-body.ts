import type { PathFinding } from '../../security/classify-tree-changes.js';
import { neutralizeAgentMarkdown } from '../../security/markdown/neutralize-agent-markdown.js';
import type { Redact } from '../../security/redactor.js';
import { fillPullRequestTemplate } from './fill-pull-request-template.js';
import { inlineCode } from './markdown/inline-code.js';
import { renderMarker } from './render-marker.js';
import { renderFlaggedChanges } from './render-path-findings.js';
import type { CommandRun } from './summarize-run-events.js';

export interface PullRequestBodyInput {
  readonly issueNumber: number;
  /** The agent's finish message. */
  readonly summary: string;
  /** Test commands the agent ran, with their exit codes (`summarizeRunEvents(...).tests`). */
  readonly tests: readonly CommandRun[];
  readonly costUsd: number;
  readonly steps: number;
  readonly runId: string;
  readonly runUrl?: string;
  /** Hosts the agent's links and images may point at: the repository's GitHub web host. */
  readonly allowedHosts: readonly string[];
  /** The repository's template from the default branch, if any. */
  readonly template: string | null;
  /** Pushed paths that control later runs or developers' machines (`classifyTreeChanges`). */
  readonly flagged?: readonly PathFinding[];
}

const MAX_BODY = 60_000;
/** What the template and summary may take: the rest of `MAX_BODY` is for the flagged list and footer. */
const MAX_MAIN = 50_000;

/**
 * The pull request's description: the agent's summary (neutralised: no mentions, no closing
 * keywords of its own, no image or link off the repository's host), `Fixes #n`, what was tested, and
 * the run's cost and steps; laid into the repository's template when it has one. Flagged changes come
 * first, under their own heading, outside the template and before anything the length cut could reach.
 * Redacted as a whole.
 */
export function renderPullRequestBody(input: PullRequestBodyInput, redact: Redact): string {
  const summary =
    neutralizeAgentMarkdown(input.summary, { allowedHosts: input.allowedHosts }) ||
    '_The agent gave no summary._';
  const testing =
    input.tests.length === 0
      ? '_The agent ran no tests._'
      : input.tests
          .slice(-10)
          .map((t) => `- ${inlineCode(t.command, 200)} → ${exitText(t)}`)
          .join('\n');
  const parts = { summary, testing, issue: `Fixes #${input.issueNumber}` };
  const filled = input.template
    ? fillPullRequestTemplate(input.template, parts)
    : [parts.issue, '## Summary', summary, '## Testing', testing].join('\n\n');
  // A cut through neutralised text can leave a code span open and turn an image back into one, so
  // an over-long description is cut by `neutralizeAgentMarkdown` itself, which cuts before it reads.
  const main =
    filled.length > MAX_MAIN ? neutralizeAgentMarkdown(filled, { allowedHosts: input.allowedHosts }) : filled;
  const cost = `$${input.costUsd.toFixed(input.costUsd < 1 ? 4 : 2)}`;
  const run = input.runUrl ? `[${input.runId}](${input.runUrl})` : inlineCode(input.runId);
  const footer = `<sub>Opened by handsbot · run ${run} · ${input.steps} steps · ${cost}</sub>`;
  const flagged = renderFlaggedChanges(input.flagged);
  const body = redact(
    [...(flagged ? [flagged, '---'] : []), main, '---', footer, renderMarker({ run: input.runId })].join(
      '\n\n',
    ),
  );
  if (body.length <= MAX_BODY) return body;
  // Still too long (a flagged list of thousands of paths): the list stays whole and first, as it is
  // what a reviewer must see, and the description gives way rather than being cut mid-text.
  return redact(
    [
      flagged,
      '---',
      '_The description was too long to post; see the run._',
      footer,
      renderMarker({ run: input.runId }),
    ]
      .filter((part) => part !== '')
      .join('\n\n'),
  );
}

function exitText(t: CommandRun): string {
  if (t.exitCode === 'rejected') return 'rejected';
  if (t.exitCode === null) return 'no exit code';
  return t.exitCode === 0 ? 'passed (exit 0)' : `failed (exit ${t.exitCode})`;
}

import { neutralizeAgentMarkdown } from '../../security/markdown/neutralize-agent-markdown.js';
import type { Redact } from '../../security/redactor.js';
import { inlineCode } from './markdown/inline-code.js';
import type { Outcome } from './outcome.js';
import { renderPathFindings } from './render-path-findings.js';

const LIMIT_TEXT = {
  MaxIterationsReached: 'reached its limit of steps',
  MaxBudgetReached: 'reached its spending cap',
  WallClockLimitReached: 'ran out of time',
  Stuck: 'got stuck repeating itself',
} as const;

/**
 * The message users see for each way a run can end (or not start). Never a stack trace or an
 * internal detail: an internal error is a short sentence and the run id to look up in the logs.
 * Agent-written parts are neutralised, their links and images kept only when they point at
 * `allowedHosts` (none by default: every absolute URL the agent wrote is shown as code); the whole
 * text is redacted.
 */
export function renderOutcome(
  outcome: Outcome,
  redact: Redact,
  allowedHosts: readonly string[] = [],
): string {
  return redact(render(outcome, (text) => neutralizeAgentMarkdown(text, { allowedHosts })));
}

function render(outcome: Outcome, neutralizeAgentMarkdown: (text: string) => string): string {
  switch (outcome.kind) {
    case 'pull_request_opened':
      return `✅ I opened ${outcome.draft ? 'a draft pull request' : 'pull request'} #${outcome.number} with a potential fix: ${outcome.url}. Please review it before merging.`;
    case 'pushed_to_pull_request':
      return `✅ I pushed ${outcome.commits} commit${outcome.commits === 1 ? '' : 's'} to this pull request (#${outcome.number}).`;
    case 'fork_pull_request':
      return [
        `⚠️ Pull request #${outcome.number} comes from a fork${outcome.headRepository ? ` (${inlineCode(outcome.headRepository)})` : ''}, and handsbot cannot push to a fork's branch, so nothing was changed.`,
        'To have handsbot work on it, push the branch to this repository and open a pull request from there.',
      ].join('\n\n');
    case 'changes_refused': {
      const lines = [
        '⚠️ The changes touch files that handsbot may not push, so nothing was pushed:',
        renderPathFindings(outcome.refused),
      ];
      if (outcome.refused.some((f) => f.rule === 'workflow')) {
        lines.push(
          'A maintainer can allow workflow changes with `allowWorkflowChanges: true` in `.github/openhands.yml` on the default branch.',
        );
      }
      return lines.join('\n\n');
    }
    case 'no_changes':
      return [
        'ℹ️ I made no code changes. My explanation:',
        quoteBlock(neutralizeAgentMarkdown(outcome.explanation) || '_No explanation was given._'),
      ].join('\n\n');
    case 'limit_reached': {
      const lines = [`⚠️ The run ${LIMIT_TEXT[outcome.reason]} before finishing.`];
      if (outcome.done)
        lines.push(`What was done so far:\n\n${quoteBlock(neutralizeAgentMarkdown(outcome.done))}`);
      lines.push(partial(outcome.partialBranch));
      return lines.join('\n\n');
    }
    case 'internal_error':
      return `❌ handsbot hit an internal error and stopped. The details are in the logs under run ${inlineCode(outcome.runId)}; trigger it again to retry.`;
    case 'stopped':
      return [`⏹️ Stopped by @${outcome.by} with \`/agent stop\`.`, partial(outcome.partialBranch)].join(
        '\n\n',
      );
    case 'confirmation_timeout': {
      const pending = outcome.pending.slice(0, 5).map((c) => `- ${inlineCode(c, 200)}`);
      return [
        `⌛ No one approved or rejected the waiting action within ${outcome.waitedMinutes} minutes, so the run ended.`,
        ...(pending.length > 0 ? [`Waiting:\n${pending.join('\n')}`] : []),
        partial(outcome.partialBranch),
      ].join('\n\n');
    }
    case 'bad_config': {
      const problems = outcome.problems
        .slice(0, 20)
        .map((p) => `- ${inlineCode(p.key, 80)}: ${inlineCode(p.expected, 300)}`);
      return [
        `⚠️ ${inlineCode(outcome.path)} on the default branch is not valid, so nothing ran:`,
        ...problems,
      ].join('\n');
    }
    case 'already_running':
      return `@${outcome.by}'s request was noted: run ${inlineCode(outcome.runId)} is already working on this (one run per issue or pull request at a time).`;
    case 'runs_after_current':
      return `@${outcome.by}'s request was noted: it runs after run ${inlineCode(outcome.runId)} finishes (one run per issue or pull request at a time).`;
    case 'dropped_with_stopped_run':
      return `@${outcome.by}'s request was not run: run ${inlineCode(outcome.runId)} was stopped, and what came in while it ran was stopped with it. Ask again to run it.`;
    case 'help':
      return renderHelp(outcome);
    default: {
      const unreachable: never = outcome;
      return unreachable;
    }
  }
}

function partial(branch: string | null): string {
  return branch ? `The partial work is on the branch ${inlineCode(branch)}.` : 'No changes were pushed.';
}

function quoteBlock(text: string): string {
  return text
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
}

function renderHelp({
  triggerLabel: label,
  permissions,
  invalidConfigPath,
}: Extract<Outcome, { kind: 'help' }>): string {
  const who =
    permissions.length <= 1
      ? (permissions[0] ?? 'write')
      : `${permissions.slice(0, -1).join(', ')} or ${permissions.at(-1)}`;
  return [
    `**handsbot commands** (for people with ${who} permission on this repository)`,
    '',
    `- Add the label ${inlineCode(label)} to an issue: handsbot works on it and opens a pull request.`,
    '- `/agent fix [instructions]` on an issue: the same. On a pull request: fix it (the instructions, failing checks, unresolved review threads) and push to its branch.',
    '- A review or review comment on a pull request handsbot opened: it addresses the feedback and replies on each thread.',
    '- `/agent stop`: stop the active run on this issue or pull request.',
    '- `/agent approve`: run the action that is waiting for approval.',
    '- `/agent reject [reason]`: refuse it; the agent is told the reason and carries on.',
    '- `/agent help`: this list.',
    '',
    invalidConfigPath === undefined
      ? 'Settings live in `.github/openhands.yml` on the default branch.'
      : `⚠️ ${inlineCode(invalidConfigPath)} on the default branch is not valid, so nothing starts here until it is fixed (a trigger gets a comment naming what is wrong). Until then the label and permissions above are the installation's defaults.`,
  ].join('\n');
}

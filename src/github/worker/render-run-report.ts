import type { RunReport } from '../../../jobs/run-ports.js';
import type { RunState } from '../../agent/run-state.js';
import { neutralizeAgentMarkdown } from '../../security/markdown/neutralize-agent-markdown.js';
import type { Redact } from '../../security/redactor.js';
import { inlineCode } from '../ops/markdown/inline-code.js';
import type { Outcome } from '../ops/outcome.js';
import { renderOutcome } from '../ops/render-outcome.js';
import { renderFlaggedChanges } from '../ops/render-path-findings.js';

export interface RenderRunReportOptions {
  readonly redact: Redact;
  /** The PR was opened as a draft (known when this process opened or found it). */
  readonly draft: boolean;
  readonly fromFork: boolean;
  /** The issue or PR the run was about. */
  readonly number: number;
  readonly decisionTimeoutMinutes: number;
  /** Hosts the agent's links and images may point at: the repository's GitHub web host. */
  readonly allowedHosts: readonly string[];
}

type LimitReason = Extract<Outcome, { kind: 'limit_reached' }>['reason'];

/**
 * The final words of the tracking comment for a run's report: one of the outcomes users know
 * (`renderOutcome`), chosen from the report's outcome and the run's state; otherwise the report's
 * own message, which the error boundary already made short and redacted. Never a stack trace. Pushed
 * paths that control later runs or developers' machines follow, under their heading.
 */
export function renderRunReport(report: RunReport, options: RenderRunReportOptions): string {
  const flagged = renderFlaggedChanges(report.flagged);
  const text = renderEnding(report, options);
  return flagged ? `${text}\n\n${options.redact(flagged)}` : text;
}

function renderEnding(report: RunReport, options: RenderRunReportOptions): string {
  const { redact, allowedHosts } = options;
  const outcome = toOutcome(report, options);
  if (outcome?.kind === 'pushed_to_pull_request' && report.state?.finishMessage) {
    // On a PR the commit is all there is to see: the agent's summary says what it is.
    const summary = neutralizeAgentMarkdown(report.state.finishMessage, { allowedHosts });
    return redact(`${renderOutcome(outcome, redact, allowedHosts)}\n\n**Summary**\n${summary}`);
  }
  if (outcome) return renderOutcome(outcome, redact, allowedHosts);
  const icon = report.outcome === 'pushed' ? '✅' : report.outcome === 'cancelled' ? '⏹️' : '❌';
  const step = report.failedStep ? ` (step ${inlineCode(report.failedStep)})` : '';
  // The message can carry the agent's words (its finish message, a path it chose): neutralised too.
  const message = neutralizeAgentMarkdown(report.message, { allowedHosts });
  return redact(`${icon} ${message}${report.outcome === 'failed' ? step : ''}`);
}

function toOutcome(report: RunReport, options: RenderRunReportOptions): Outcome | null {
  const branch = report.branch ?? null;
  switch (report.outcome) {
    case 'pull_request_opened':
      return report.pullRequest
        ? { kind: 'pull_request_opened', ...report.pullRequest, draft: options.draft }
        : null;
    case 'pushed':
      // A run pushes its work as one commit (`pushBranch`).
      return { kind: 'pushed_to_pull_request', number: options.number, commits: 1 };
    case 'no_changes':
      return { kind: 'no_changes', explanation: report.message };
    case 'partial':
      return limitOutcome(report.state, branch);
    case 'waiting_for_confirmation':
      return {
        kind: 'confirmation_timeout',
        waitedMinutes: options.decisionTimeoutMinutes,
        pending: (report.state?.pendingActions ?? []).map((a) =>
          typeof a.arguments.command === 'string' ? a.arguments.command : a.toolName,
        ),
        partialBranch: branch,
      };
    case 'cancelled':
      return null;
    case 'failed':
      if (report.refused && report.refused.length > 0) {
        return { kind: 'changes_refused', refused: report.refused };
      }
      if (options.fromFork && report.failedStep === 'gather-task') {
        return { kind: 'fork_pull_request', number: options.number, headRepository: null };
      }
      return limitOutcome(report.state, branch);
    default: {
      const unreachable: never = report.outcome;
      return unreachable;
    }
  }
}

function limitOutcome(state: RunState | undefined, branch: string | null): Outcome | null {
  if (!state) return null;
  const reason: LimitReason | null =
    state.status === 'stuck' ? 'Stuck' : state.error ? limitReason(state.error.code) : null;
  if (reason === null) return null;
  const done = state.finishMessage ?? state.tasks.map((t) => `${t.status}: ${t.title}`).join('\n');
  return { kind: 'limit_reached', reason, done: done || null, partialBranch: branch };
}

function limitReason(code: string): LimitReason | null {
  switch (code) {
    case 'MaxIterationsReached':
    case 'MaxBudgetReached':
    case 'WallClockLimitReached':
      return code;
    default:
      return null;
  }
}

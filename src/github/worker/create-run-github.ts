import type { Logger } from 'pino';
import { targetKey } from '../../../jobs/job-data.js';
import type { RunJobData } from '../../../jobs/run-job-context.js';
import type { RunGitHub, RunReport } from '../../../jobs/run-ports.js';
import { initialRunState } from '../../agent/run-state.js';
import type { RunEvent } from '../../events/event.js';
import type { Redact } from '../../security/redactor.js';
import type { GitHubClient } from '../ops/github-client.js';
import { openPullRequest } from '../ops/open-pull-request.js';
import { parseThreadReplies } from '../ops/parse-thread-replies.js';
import { renderFlaggedChanges } from '../ops/render-path-findings.js';
import { replyToReviewThreads } from '../ops/reply-to-review-threads.js';
import { summarizeRunEvents } from '../ops/summarize-run-events.js';
import {
  ensureTrackingComment,
  type ReactionTarget,
} from '../ops/tracking-comment/ensure-tracking-comment.js';
import { renderTrackingComment } from '../ops/tracking-comment/render-tracking-comment.js';
import {
  type Scheduler,
  TrackingCommentGoneError,
  TrackingCommentUpdater,
} from '../ops/tracking-comment/tracking-comment-updater.js';
import { type InstallationDefaults, loadRunTask } from './load-run-task.js';
import { renderFollowUpNotes } from './render-follow-up-notes.js';
import { renderRunReport } from './render-run-report.js';
import type { RunRecord } from './run-record.js';
import { blankRecord, branchLabel, reactionTarget } from './run-record-helpers.js';
import { asJobError } from './to-job-error.js';

export interface CreateRunGitHubOptions {
  /** An Octokit for the installation (`createAppOctokit().octokitFor`), renewing its own token. */
  octokitFor(installationId: number): Promise<GitHubClient>;
  /** A fresh installation token for a push (`createAppOctokit().installationToken`). */
  installationToken(installationId: number): Promise<string>;
  /**
   * The run's stored events (`store.read`): a retried run reads back the branch it chose, and a
   * resumed run's tracking comment shows what it did before the resume.
   */
  readEvents(runId: string): Promise<readonly RunEvent[]>;
  config: {
    /**
     * The app's bot account, `<slug>[bot]`, resolved once at start-up (`resolveAppIdentity`): its
     * comments and pull requests are the ones handsbot finds again as its own.
     */
    botLogin: string;
    /** Used when a repository has no `.github/openhands.yml`. */
    defaults: InstallationDefaults;
    /**
     * Hosts agent-written links and images may point at in what the run posts: the GitHub web host
     * (`config.githubApp.webHost`). Anything else is shown as code (`neutralizeAgentMarkdown`).
     */
    allowedHosts: readonly string[];
    runUrl?: (runId: string) => string;
    /** How long a gated action waits for a decision (the pipeline's `decisionTimeoutMs`). */
    decisionTimeoutMs?: number;
    /** Least time between two progress edits of a tracking comment (default 10 s). */
    minEditIntervalMs?: number;
    scheduler?: Scheduler;
  };
  redact: Redact;
  logger: Logger;
}

/**
 * The run pipeline's GitHub port over the GitHub operations. Every call mints nothing itself (the
 * installation's Octokit does), maps failed requests to retry or give-up by HTTP status, and keeps
 * per-run details in memory only; all of them are derived again by `loadTask` on each attempt.
 */
export function createRunGitHub(options: CreateRunGitHubOptions): RunGitHub {
  const { redact, logger, config } = options;
  // Keyed by the run id the pipeline passes to every call, so all of them find the one record.
  const runs = new Map<string, RunRecord>();
  const runUrl = (runId: string) => (config.runUrl ? { runUrl: config.runUrl(runId) } : {});
  const render = (
    record: RunRecord,
    data: RunJobData,
    extra: { outcome?: string } = {},
    state = record.state ?? initialRunState(record.runId),
    followUps = record.followUps,
  ) =>
    renderTrackingComment(state, record.events, {
      runId: record.runId,
      targetKey: targetKey(data),
      redact,
      allowedHosts: config.allowedHosts,
      ...runUrl(record.runId),
      notes: renderFollowUpNotes(followUps, {
        runId: record.runId,
        triggerLabel: record.triggerLabel,
        redact,
      }),
      ...extra,
    });

  return {
    async loadTask(data, runId) {
      const octokit = await options.octokitFor(data.installationId);
      const earlier = async () => branchLabel(await options.readEvents(runId));
      const loaded = await loadRunTask({
        octokit,
        data,
        runId,
        defaults: config.defaults,
        redact,
        botLogin: config.botLogin,
        earlierBranch: earlier,
      });
      const base = {
        runId,
        owner: data.repository.owner,
        repo: data.repository.name,
        told: false,
        events: [],
        followUps: [],
      };
      if (loaded.kind === 'refused' && loaded.error.userMessage === '') {
        // Not a trigger here (another label, someone else's PR): the job ends without a report, so
        // a record would never be cleaned up. A trigger run in this job's place loads its own.
        runs.delete(runId);
        throw loaded.error;
      }
      if (loaded.kind === 'refused') {
        runs.set(runId, {
          ...base,
          defaultBranch: null,
          kind: 'issue',
          triggerLabel: config.defaults.triggerLabel,
          shownThreadIds: new Set(),
          fromFork: false,
          told: true,
        });
        throw loaded.error;
      }
      runs.set(runId, {
        ...base,
        defaultBranch: loaded.defaultBranch,
        kind: loaded.task.kind,
        triggerLabel: loaded.triggerLabel,
        shownThreadIds: loaded.shownThreadIds,
        fromFork: loaded.task.fromFork,
      });
      return loaded.task;
    },

    async startTracking(data, runId) {
      const record = runs.get(runId) ?? blankRecord(data, runId, config.defaults.triggerLabel);
      runs.set(runId, record);
      if (record.tracking) return;
      const octokit = await options.octokitFor(data.installationId);
      const tracking = await asJobError('post the tracking comment', () =>
        openTrackingComment(octokit, data, record, reactionTarget(data)),
      );
      // A resumed run shows what it did before, not just what it does from now on.
      if (record.events.length === 0) record.events.push(...(await options.readEvents(runId)));
      record.tracking = tracking;
    },

    trackProgress(data, state, event) {
      const record = runs.get(state.runId);
      if (!record?.tracking) return;
      if (event && !record.events.some((e) => e.seq === event.seq)) record.events.push(event);
      record.state = state;
      record.tracking.updater.update(render(record, data));
    },

    acknowledgeFollowUps(data, runId, followUps) {
      const record = runs.get(runId);
      if (!record?.tracking) return;
      record.followUps = followUps;
      record.tracking.updater.update(render(record, data));
    },

    installationToken(data) {
      return asJobError('mint an installation token', () => options.installationToken(data.installationId));
    },

    async openPullRequest({ data, task, branch, state, flagged }) {
      const record = runs.get(state.runId);
      const octokit = await options.octokitFor(data.installationId);
      const base =
        record?.defaultBranch ??
        (await asJobError('read the repository', async () => {
          const { data: repo } = await octokit.rest.repos.get({
            owner: data.repository.owner,
            repo: data.repository.name,
          });
          return repo.default_branch;
        }));
      const events = record?.events ?? (await options.readEvents(state.runId));
      const opened = await asJobError('open the pull request', () =>
        openPullRequest(octokit, {
          owner: data.repository.owner,
          repo: data.repository.name,
          base,
          branch,
          issue: { number: task.number, title: task.title },
          body: {
            summary: state.finishMessage ?? '',
            tests: summarizeRunEvents(events).tests,
            costUsd: state.metrics.costUsd,
            steps: state.iterations,
            runId: state.runId,
            ...runUrl(state.runId),
            flagged,
            allowedHosts: config.allowedHosts,
          },
          draft: task.draft,
          reviewer: data.sender.login,
          redact,
        }),
      );
      if (record) record.openedDraft = opened.draft;
      return { number: opened.number, url: opened.url };
    },

    async report(data, report) {
      const record = runs.get(report.runId) ?? blankRecord(data, report.runId, config.defaults.triggerLabel);
      runs.delete(report.runId);
      if (record.told) {
        logger.debug({ runId: report.runId, outcome: report.outcome }, 'user already told; no report');
        return;
      }
      const octokit = await options.octokitFor(data.installationId);
      if (report.outcome === 'pushed' && record.kind === 'pull_request' && report.state?.finishMessage) {
        await replyToThreads(octokit, data, record, report);
      }
      const outcome = renderRunReport(report, {
        redact,
        draft: record.openedDraft ?? true,
        fromFork: record.fromFork,
        number: data.number,
        decisionTimeoutMinutes: Math.round((config.decisionTimeoutMs ?? 24 * 60 * 60 * 1000) / 60_000),
        allowedHosts: config.allowedHosts,
      });
      // Every follow-up so far, those already acknowledged while the run was live included, judged
      // by how the run ended.
      const body = render(
        record,
        data,
        { outcome },
        report.state ?? initialRunState(report.runId),
        report.followUps,
      );
      await asJobError('report the outcome', () => finalEdit(octokit, data, record, body));
    },
  };

  async function replyToThreads(
    octokit: GitHubClient,
    data: RunJobData,
    record: RunRecord,
    report: RunReport,
  ) {
    const replies = parseThreadReplies(report.state?.finishMessage ?? '', record.shownThreadIds);
    const flaggedNote = renderFlaggedChanges(report.flagged);
    await asJobError('reply on the review threads', () =>
      replyToReviewThreads(octokit, {
        owner: record.owner,
        repo: record.repo,
        pullNumber: data.number,
        runId: report.runId,
        replies: [...replies].map(([commentId, text]) => ({ commentId, text })),
        // The reviewer reads the replies, maybe not the tracking comment: what the push armed is in both.
        ...(flaggedNote ? { notice: flaggedNote } : {}),
        redact,
        botLogin: config.botLogin,
        allowedHosts: config.allowedHosts,
      }),
    );
  }

  /**
   * The run's tracking comment (found by its marker, else posted, with 👀 on `reactTo`) and the
   * throttled updater that edits it.
   */
  async function openTrackingComment(
    octokit: GitHubClient,
    data: RunJobData,
    record: RunRecord,
    reactTo: ReactionTarget,
  ): Promise<NonNullable<RunRecord['tracking']>> {
    const comment = await ensureTrackingComment(octokit, {
      owner: record.owner,
      repo: record.repo,
      issueNumber: data.number,
      runId: record.runId,
      targetKey: targetKey(data),
      reactTo,
      redact,
      triggeredAt: data.triggeredAt,
      botLogin: config.botLogin,
      ...runUrl(record.runId),
    });
    const updater = new TrackingCommentUpdater(octokit, {
      owner: record.owner,
      repo: record.repo,
      commentId: comment.commentId,
      redact,
      knownBody: comment.body,
      logger,
      ...(config.minEditIntervalMs !== undefined ? { minIntervalMs: config.minEditIntervalMs } : {}),
      ...(config.scheduler ? { scheduler: config.scheduler } : {}),
    });
    return { commentId: comment.commentId, updater };
  }

  /** The final flush; with no tracking comment yet (the run failed early) or a deleted one, a new one. */
  async function finalEdit(octokit: GitHubClient, data: RunJobData, record: RunRecord, body: string) {
    if (record.tracking) {
      try {
        await record.tracking.updater.flush(body);
        return;
      } catch (error) {
        if (!(error instanceof TrackingCommentGoneError)) throw error;
      }
    }
    const { updater } = await openTrackingComment(octokit, data, record, { kind: 'issue' });
    await updater.flush(body);
  }
}

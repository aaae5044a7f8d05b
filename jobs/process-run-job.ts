import type { RunState } from '../src/agent/run-state.js';
import type { Config } from '../src/config/load-config.js';
import type { EventStore } from '../src/events/event-store.js';
import type { LlmClientDeps } from '../src/llm/llm-client-deps.js';
import { createRedactor } from '../src/security/redactor.js';
import type { GitIdentity } from '../src/workspace/git/push-branch.js';
import { type JudgedFollowUp, judgeFollowUps } from './follow-up-fate.js';
import { classifyFailure } from './job-error-boundary.js';
import { JobCancelledError, JobDrainingError, PermanentJobError, TransientJobError } from './job-errors.js';
import type { RunJobContext, RunJobData, RunJobProcessor, RunJobResult } from './run-job-context.js';
import type { PreparedWorkspace, PullRequestRef, RunPorts, RunReport } from './run-ports.js';
import { gatherTask } from './steps/gather-task.js';
import { prepareWorkspace } from './steps/prepare-workspace.js';
import { noReplyIdentity, pushChanges } from './steps/push-changes.js';
import { runAgent } from './steps/run-agent.js';
import { verifyChanges } from './steps/verify-changes.js';
import { type FollowUpWatch, watchFollowUps } from './watch-follow-ups.js';

export interface RunJobProcessorOptions {
  config: Config;
  /** The event store every worker shares (Redis when workers run on several machines). */
  store: EventStore;
  ports: RunPorts;
  /** The app's git identity: author and committer of its commits. */
  identity: GitIdentity;
  llmDeps?: LlmClientDeps;
  decisionTimeoutMs?: number;
  /** How often a live run looks for triggers that arrived meanwhile, to acknowledge them (default 5 s). */
  followUpPollMs?: number;
}

export type RunStepName =
  | 'gather-task'
  | 'prepare-workspace'
  | 'run-agent'
  | 'verify'
  | 'push'
  | 'open-pr'
  | 'report';

/**
 * The run job as a pipeline of named steps: gather task → prepare workspace → run agent → verify →
 * push → open PR → report. Each step is its own module with explicit inputs and outputs; the
 * workspace is released in `finally`; and every failure goes through one boundary
 * (`classifyFailure`) that decides retry or give up, logs it once, and tells the user a short,
 * redacted message naming the step. A drain request is honoured between steps.
 */
export function createRunJobProcessor(options: RunJobProcessorOptions): RunJobProcessor {
  const redact = createRedactor({ secrets: [...options.config.secrets] });
  const { github, workspaces } = options.ports;

  const processRun = async (ctx: RunJobContext): Promise<RunJobResult> => {
    const { data, runId } = ctx;
    let step: RunStepName = 'gather-task';
    let prepared: PreparedWorkspace | undefined;
    let state: RunState | undefined;
    let final = true;
    let followUpWatch: FollowUpWatch | undefined;
    const enter = async (next: RunStepName) => {
      if (ctx.drain.aborted) throw new JobDrainingError(next);
      if (ctx.signal.aborted) throw new JobCancelledError(String(ctx.signal.reason ?? 'stopped'));
      step = next;
      ctx.logger.debug({ step }, 'step');
      await ctx.reportProgress({
        step,
        ...(state ? { iterations: state.iterations, costUsd: state.metrics.costUsd } : {}),
      });
    };
    const finish = async (report: Omit<RunReport, 'runId' | 'followUps'>): Promise<RunJobResult> => {
      // The report shows the follow-ups with their fate in the final edit, then settles them: those
      // with new work run after this job (a report that fails leaves them for the retry's report).
      followUpWatch?.stop();
      await enter('report');
      const followUps = judgeFollowUps(await ctx.pendingFollowUps(), data, 'completes');
      await github.report(data, { ...report, runId, followUps });
      await ctx.settleFollowUps(followUps);
      return {
        outcome: report.outcome,
        runId,
        message: report.message,
        ...(report.pullRequest ? { pullRequestUrl: report.pullRequest.url } : {}),
        ...(report.branch ? { branch: report.branch } : {}),
      };
    };

    try {
      await enter('gather-task');
      const task = await gatherTask({ data, runId, github, signal: ctx.signal });
      // From here the run has its tracking comment: a trigger that arrives now is acknowledged there.
      followUpWatch = watchFollowUps({
        peek: () => ctx.pendingFollowUps(),
        onArrived: (followUps) =>
          github.acknowledgeFollowUps(data, runId, judgeFollowUps(followUps, data, 'completes')),
        intervalMs: options.followUpPollMs ?? 5_000,
        logger: ctx.logger,
      });

      await enter('prepare-workspace');
      prepared = await prepareWorkspace({
        provider: workspaces,
        data,
        task,
        runId,
        resume: ctx.resume,
        signal: ctx.signal,
      });

      await enter('run-agent');
      const agent = await runAgent({
        config: options.config,
        store: options.store,
        runId,
        data,
        task,
        prepared,
        // The workspace may end the run itself (its checkout over the disk limit).
        signal: prepared.stopped ? AbortSignal.any([ctx.signal, prepared.stopped]) : ctx.signal,
        drain: ctx.drain,
        waitForDecision: (signal) => ctx.waitForDecision(signal),
        onState: (next, event) => {
          state = next;
          github.trackProgress(data, next, event);
        },
        ...(options.llmDeps ? { llmDeps: options.llmDeps } : {}),
        ...(options.decisionTimeoutMs ? { decisionTimeoutMs: options.decisionTimeoutMs } : {}),
      });
      state = agent.state;
      if (state.status === 'waiting_for_confirmation') {
        return await finish({
          outcome: 'waiting_for_confirmation',
          state,
          message: 'The run waited too long for `/agent approve` or `/agent reject` and was ended.',
        });
      }
      const finished = state.status === 'finished';
      // A run that hit a limit or got stuck still pushes its partial work to a new issue branch.
      if (!finished && task.kind !== 'issue') {
        return await finish({
          outcome: 'failed',
          state,
          failedStep: 'run-agent',
          message: stoppedMessage(state),
        });
      }

      await enter('verify');
      const changes = await verifyChanges({ workspace: prepared.workspace });
      if (changes.empty) {
        return await finish({
          outcome: finished ? 'no_changes' : 'failed',
          state,
          message: finished
            ? redact(state.finishMessage ?? 'The agent made no changes.')
            : stoppedMessage(state),
        });
      }

      await enter('push');
      const pushed = await pushChanges({
        prepared,
        task,
        token: await github.installationToken(data),
        author: options.identity,
        coAuthor: noReplyIdentity(data.sender.login, data.sender.id),
        redact,
        signal: ctx.signal,
      });
      if (pushed.kind === 'no-changes') {
        return await finish({
          outcome: 'no_changes',
          state,
          message: 'The changes were already on the branch.',
        });
      }
      if (!finished) {
        return await finish({
          outcome: 'partial',
          state,
          branch: pushed.branch,
          flagged: pushed.flagged,
          message: `${stoppedMessage(state)} The partial work is on branch \`${pushed.branch}\`.`,
        });
      }
      let pullRequest: PullRequestRef | undefined;
      if (task.kind === 'issue') {
        await enter('open-pr');
        pullRequest = await github.openPullRequest({
          data,
          task,
          branch: pushed.branch,
          state,
          flagged: pushed.flagged,
        });
      }
      return await finish({
        outcome: pullRequest ? 'pull_request_opened' : 'pushed',
        state,
        branch: pushed.branch,
        flagged: pushed.flagged,
        ...(pullRequest ? { pullRequest } : {}),
        message: redact(state.finishMessage ?? 'Done.'),
      });
    } catch (error) {
      followUpWatch?.stop();
      const failure = classifyFailure(error, {
        step,
        runId,
        attempt: ctx.attempt,
        maxAttempts: ctx.maxAttempts,
        redact,
      });
      ctx.logger[failure.level](
        { step: failure.step, action: failure.action, err: failure.logMessage },
        failure.action === 'skip' ? 'run skipped: not a trigger here' : 'run step failed',
      );
      final = failure.action !== 'drain' && failure.action !== 'retry';
      switch (failure.action) {
        case 'skip': {
          // No report: a label that is not the trigger label must not make a comment or a reaction.
          // A trigger that arrived while this job held the target (`bug` and `openhands` put on at
          // once) started no job of its own: it runs here, in this job's place (the log is empty),
          // under this job's run id, which every port call is given rather than derives from data.
          // The others stay pending, for that run to acknowledge and judge.
          const next = await takeNextRunFollowUp(ctx);
          if (next) {
            ctx.logger.info(
              { trigger: next.trigger.kind },
              'running a trigger that arrived during a skipped job',
            );
            return processRun({ ...ctx, data: next });
          }
          return { outcome: 'skipped', runId, message: failure.logMessage };
        }
        case 'drain':
          throw error;
        case 'retry':
          throw new TransientJobError(failure.logMessage);
        case 'cancelled':
          await reportQuietly(ctx, github, { outcome: 'cancelled', failure, state });
          throw error instanceof JobCancelledError ? error : new JobCancelledError(failure.userMessage);
        case 'give_up':
          await reportQuietly(ctx, github, { outcome: 'failed', failure, state });
          throw new PermanentJobError(failure.logMessage, failure.userMessage);
        default: {
          const unreachable: never = failure.action;
          throw unreachable;
        }
      }
    } finally {
      if (prepared) {
        await prepared.release({ final }).catch((error: unknown) => {
          ctx.logger.warn({ err: redact(String(error)) }, 'could not release the workspace');
        });
      }
    }
  };
  return processRun;
}

function stoppedMessage(state: RunState): string {
  return state.error
    ? `The run stopped before it finished (${state.error.code}).`
    : `The run stopped before it finished (${state.status}).`;
}

/**
 * The final report on a failure path, for a run that failed for good or was stopped: a report that
 * itself fails must not hide the first failure. The follow-ups are settled even when the report
 * failed: the job ends here either way, and their fate does not depend on the comment.
 */
async function reportQuietly(
  ctx: RunJobContext,
  github: RunPorts['github'],
  input: {
    outcome: 'failed' | 'cancelled';
    failure: ReturnType<typeof classifyFailure>;
    state: RunState | undefined;
  },
): Promise<void> {
  let followUps: JudgedFollowUp[] = [];
  try {
    const end = input.outcome === 'cancelled' ? 'stopped' : 'fails';
    followUps = judgeFollowUps(await ctx.pendingFollowUps(), ctx.data, end);
    await github.report(ctx.data, {
      outcome: input.outcome,
      runId: ctx.runId,
      message: input.failure.userMessage,
      failedStep: input.failure.step,
      ...(input.failure.refused ? { refused: input.failure.refused } : {}),
      ...(input.state ? { state: input.state } : {}),
      followUps,
    });
  } catch (error) {
    ctx.logger.warn(
      { err: error instanceof Error ? error.name : String(error) },
      'could not report the failure',
    );
  }
  // Unsettled (Redis failed), they are still taken when the job ends: run rather than lost.
  await ctx.settleFollowUps(followUps).catch((error: unknown) => {
    ctx.logger.warn({ err: error }, 'could not settle the follow-ups; the job end queues them all');
  });
}

/** The oldest follow-up that is a run trigger, taken (all are: controls never collapse into a run). */
async function takeNextRunFollowUp(ctx: RunJobContext): Promise<RunJobData | null> {
  for (;;) {
    const next = await ctx.takeNextFollowUp();
    if (next === null || next.type === 'run') return next;
  }
}

import type { Logger } from 'pino';
import type { ControlChannel } from './control-channel.js';
import type { JobData } from './job-data.js';
import type { RunQueue } from './run-queue.js';

export type ControlJobData = Extract<JobData, { type: 'control' }>;

/** What happened to a control command; the GitHub side turns it into a reply or a comment edit. */
export type ControlOutcome =
  | { kind: 'denied' }
  | { kind: 'help' }
  | { kind: 'no_active_run' }
  | { kind: 'stop_requested'; runJobId: string }
  | { kind: 'decision_recorded'; runJobId: string; approve: boolean };

/**
 * What a control job needs from GitHub. Implemented by the GitHub operations adapter; its methods
 * throw `TransientJobError` for failures worth a retry (rate limit, 5xx) and anything else otherwise.
 */
export interface ControlPorts {
  /** Whether the sender may control runs here (write, maintain or admin), asked through the API. */
  authorize(data: ControlJobData): Promise<boolean>;
  /** Tells the user what happened (a short reply, or an edit of the run's tracking comment). */
  acknowledge(data: ControlJobData, outcome: ControlOutcome): Promise<void>;
}

export interface ControlJobDeps {
  queue: RunQueue;
  channel: ControlChannel;
  ports: ControlPorts;
}

/**
 * Handles `/agent stop|approve|reject|help` after checking the sender's permission (the web side
 * checks nothing: it only enqueues). A stop is delivered through the control channel, which reaches
 * a running job within milliseconds; a run still waiting is also removed from the queue.
 */
export async function processControlJob(
  data: ControlJobData,
  deps: ControlJobDeps,
  logger: Logger,
): Promise<ControlOutcome> {
  const outcome = await decide(data, deps, logger);
  await deps.ports.acknowledge(data, outcome);
  logger.info({ command: data.command.kind, outcome: outcome.kind }, 'control command handled');
  return outcome;
}

async function decide(data: ControlJobData, deps: ControlJobDeps, logger: Logger): Promise<ControlOutcome> {
  if (!(await deps.ports.authorize(data))) return { kind: 'denied' };
  const command = data.command;
  if (command.kind === 'help') return { kind: 'help' };
  const runJobId = await deps.queue.activeRunJobId(data);
  if (runJobId === null) return { kind: 'no_active_run' };
  const by = `@${data.sender.login}`;
  switch (command.kind) {
    case 'stop': {
      // The mailbox key first: whether the job is running now or starts a moment later, it sees it.
      await deps.channel.cancel(runJobId, `stopped by ${by}`);
      await removeIfNotStarted(deps.queue, runJobId, logger);
      return { kind: 'stop_requested', runJobId };
    }
    case 'approve':
      await deps.channel.decide(runJobId, { approve: true, by });
      return { kind: 'decision_recorded', runJobId, approve: true };
    case 'reject':
      await deps.channel.decide(runJobId, {
        approve: false,
        by,
        reason: command.reason.trim() || `rejected by ${by}`,
      });
      return { kind: 'decision_recorded', runJobId, approve: false };
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
}

/**
 * A job still waiting (or in retry backoff) is removed so its target frees at once. Triggers that
 * queued up behind it are stopped with it (the run worker drops them too when the stop reaches a job
 * as it starts): left in place, the next trigger recorded on the removed job would requeue them.
 */
async function removeIfNotStarted(queue: RunQueue, jobId: string, logger: Logger): Promise<void> {
  const job = await queue.runs.getJob(jobId);
  if (!job) return;
  const state = await job.getState();
  if (state !== 'waiting' && state !== 'delayed' && state !== 'prioritized') return;
  try {
    await job.remove();
  } catch (error) {
    // It became active in between: the cancel mailbox stops it as it starts.
    logger.debug({ err: error, jobId }, 'could not remove the stopped job; it will stop as it starts');
    return;
  }
  await queue.takeFollowUps(jobId);
}

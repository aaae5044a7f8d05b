import type { Logger } from 'pino';
import { type JobData, jobDataSchema } from '../../../../jobs/job-data.js';
import { isBotSender } from '../is-bot-sender.js';
import type { RunQueue } from '../run-queue.js';
import { describePayloadIssues } from '../webhook-payload.js';

/**
 * What a handler needs: where jobs go and how to log. No trigger label: a repository may set its
 * own, which only the job can read.
 */
export interface HandlerDeps {
  readonly queue: RunQueue;
  readonly logger: Logger;
}

/** The part of Probot's `Context` a handler reads; the payload is parsed, never trusted by its type. */
export interface WebhookDelivery {
  readonly id: string;
  readonly name: string;
  readonly payload: unknown;
}

export type WebhookHandler = (context: WebhookDelivery) => Promise<void>;

/** What a delivery turned out to be. */
export type Recognition =
  | { readonly kind: 'job'; readonly data: JobData }
  /** Not for handsbot (no command, an approving review). */
  | { readonly kind: 'ignored'; readonly reason: string }
  /** Lacks what a trigger needs: logged, answered 200 (redelivering it cannot help). */
  | { readonly kind: 'malformed'; readonly issues: readonly string[] };

export type Recognise = (payload: unknown, deliveryId: string) => Recognition;

export class EnqueueFailedError extends Error {
  override readonly name = 'EnqueueFailedError';
  constructor(
    readonly deliveryId: string,
    options: { cause: unknown },
  ) {
    super(`delivery ${deliveryId} could not be queued`, options);
  }
}

/**
 * The whole of what the web side does with a delivery: drop bots first, recognise the trigger, check
 * the job against the contract, enqueue. No GitHub API call: GitHub wants an answer within 10 s, and
 * the permission check, reactions and comments belong to the job, which retries them. A failed
 * enqueue is thrown, so the delivery is answered 500 and can be redelivered instead of lost.
 */
export function createWebhookHandler(deps: HandlerDeps, recognise: Recognise): WebhookHandler {
  return async (context) => {
    const payload = context.payload;
    const action = readAction(payload);
    const log = deps.logger.child({
      deliveryId: context.id,
      event: action ? `${context.name}.${action}` : context.name,
    });
    if (isBotSender(payload)) {
      log.debug('ignored: sent by a bot');
      return;
    }
    const recognition = recognise(payload, context.id);
    if (recognition.kind === 'ignored') {
      log.debug({ reason: recognition.reason }, 'ignored');
      return;
    }
    if (recognition.kind === 'malformed') {
      log.warn({ issues: recognition.issues }, 'ignored a malformed payload');
      return;
    }
    const checked = jobDataSchema.safeParse(recognition.data);
    if (!checked.success) {
      log.warn({ issues: describePayloadIssues(checked.error) }, 'ignored: the payload makes no valid job');
      return;
    }
    const data = checked.data;
    const target = { repository: `${data.repository.owner}/${data.repository.name}`, number: data.number };
    const kind = data.type === 'run' ? data.trigger.kind : data.command.kind;
    try {
      const result = await deps.queue.enqueue(data);
      log.info({ ...target, type: data.type, kind, jobId: result.jobId, status: result.status }, 'enqueued');
    } catch (error) {
      log.error({ ...target, type: data.type, kind, err: error }, 'could not enqueue; the delivery fails');
      throw new EnqueueFailedError(context.id, { cause: error });
    }
  };
}

function readAction(payload: unknown): string | null {
  if (typeof payload !== 'object' || payload === null || !('action' in payload)) return null;
  return typeof payload.action === 'string' ? payload.action : null;
}

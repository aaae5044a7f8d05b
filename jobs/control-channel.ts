import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Decision } from '../src/agent/conversation.js';

/**
 * How a control command reaches the worker that holds a run, wherever it is. Each signal is written
 * twice: to a key (a mailbox that outlives the moment, so a worker that picks the job up later, or
 * after a stall, still sees it) and on a pub/sub channel (so a running job hears it within
 * milliseconds instead of at its next poll).
 */

const decisionSchema = z.union([
  z.object({ approve: z.literal(true), by: z.string() }),
  z.object({ approve: z.literal(false), by: z.string(), reason: z.string() }),
]);

const signalSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('cancel'), jobId: z.string(), reason: z.string() }),
  z.object({ type: z.literal('decision'), jobId: z.string() }),
]);
export type ControlSignal = z.infer<typeof signalSchema>;

/** How long a stop or an answer waits in its mailbox for a worker to pick it up. */
const MAILBOX_TTL_S = 24 * 60 * 60;

export class ControlChannel {
  private readonly base: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.base = `${prefix}:handsbot-control-signals`;
  }

  private get channel(): string {
    return `${this.base}:channel`;
  }

  /** Asks the worker running `jobId` to stop it (and any worker that picks it up later to not start). */
  async cancel(jobId: string, reason: string): Promise<void> {
    await this.redis.set(`${this.base}:cancel:${jobId}`, reason, 'EX', MAILBOX_TTL_S);
    await this.publish({ type: 'cancel', jobId, reason });
  }

  /** Why `jobId` was stopped, or null if nobody stopped it. */
  async cancelReason(jobId: string): Promise<string | null> {
    return this.redis.get(`${this.base}:cancel:${jobId}`);
  }

  /** Leaves an approve/reject answer for the run of `jobId`, in order of arrival. */
  async decide(jobId: string, decision: Decision): Promise<void> {
    const key = `${this.base}:decisions:${jobId}`;
    await this.redis.multi().rpush(key, JSON.stringify(decision)).expire(key, MAILBOX_TTL_S).exec();
    await this.publish({ type: 'decision', jobId });
  }

  /** The oldest answer not yet taken, or null. */
  async takeDecision(jobId: string): Promise<Decision | null> {
    const raw = await this.redis.lpop(`${this.base}:decisions:${jobId}`);
    if (raw === null) return null;
    const parsed = decisionSchema.safeParse(safeJson(raw));
    return parsed.success ? parsed.data : null;
  }

  /** Forgets a finished job's mailboxes. */
  async clear(jobId: string): Promise<void> {
    await this.redis.del(`${this.base}:cancel:${jobId}`, `${this.base}:decisions:${jobId}`);
  }

  /**
   * Calls `listener` for every signal published from now on. Uses its own connection (a subscribed
   * connection can do nothing else); the returned function unsubscribes and closes it.
   */
  async subscribe(listener: (signal: ControlSignal) => void): Promise<() => Promise<void>> {
    const subscriber = this.redis.duplicate();
    subscriber.on('message', (_channel: string, message: string) => {
      const parsed = signalSchema.safeParse(safeJson(message));
      if (parsed.success) listener(parsed.data);
    });
    await subscriber.subscribe(this.channel);
    return async () => {
      subscriber.disconnect();
    };
  }

  private async publish(signal: ControlSignal): Promise<void> {
    await this.redis.publish(this.channel, JSON.stringify(signal));
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

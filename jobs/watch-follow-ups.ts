import type { Logger } from 'pino';
import type { JobData } from './job-data.js';

export interface WatchFollowUpsOptions {
  /** The follow-ups so far, oldest first, without taking them. */
  peek(): Promise<readonly JobData[]>;
  /** Called with all of them each time more have arrived since the last call. */
  onArrived(followUps: readonly JobData[]): void;
  /** Time between two looks. */
  intervalMs: number;
  logger: Logger;
}

export interface FollowUpWatch {
  /** No look starts after this, and a look in flight reports nothing. */
  stop(): void;
}

/**
 * Looks for triggers that arrive while a run holds its target, so they are acknowledged while the run
 * is live rather than only in its final report. It polls instead of waiting for events from the run:
 * a run waiting hours for `/agent approve` appends nothing, and a follow-up then is just when someone
 * wonders whether they were heard. The list only grows until the final report settles it, so its length
 * says whether anything is new. A failed look is logged and the next one tries again: the final report
 * acknowledges every follow-up anyway.
 */
export function watchFollowUps(options: WatchFollowUpsOptions): FollowUpWatch {
  let seen = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const look = async () => {
    try {
      const followUps = await options.peek();
      if (!stopped && followUps.length > seen) {
        seen = followUps.length;
        options.onArrived(followUps);
      }
    } catch (error) {
      options.logger.warn({ err: error }, 'could not look for follow-up triggers; trying again');
    }
    if (stopped) return;
    timer = setTimeout(look, options.intervalMs);
    timer.unref();
  };
  // At once: triggers that arrived while the job waited in the queue are acknowledged as it starts.
  void look();

  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

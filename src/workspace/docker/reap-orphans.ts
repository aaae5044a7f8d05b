import type Dockerode from 'dockerode';
import { LABELS } from './container-labels.js';

export interface ReapOrphansOptions {
  docker: Dockerode;
  /** This worker's id (the `handsbot.worker` label it gives its containers). */
  worker: string;
  /** Whether this worker is still running the run; its containers of other runs are orphans. */
  isRunActive: (runId: string) => boolean | Promise<boolean>;
  now?: () => number;
}

export interface ReapedSandbox {
  containerId: string;
  runId: string;
  repository: string;
  worker: string;
  /** The host checkout the container had mounted: the caller deletes it (the reaper never does). */
  checkoutDir: string | null;
  reason: 'run-not-active' | 'past-deadline';
}

/** A run past its deadline is over even if its worker lives; this leaves that worker time to close. */
const DEADLINE_GRACE_MS = 10 * 60_000;

/**
 * Removes sandbox containers left behind: this worker's containers of runs it no longer runs (it
 * crashed and restarted under the same id), and any worker's containers long past their run's
 * deadline (a worker that never came back). Other live workers' containers are left alone.
 */
export async function reapOrphans(options: ReapOrphansOptions): Promise<ReapedSandbox[]> {
  const now = options.now?.() ?? Date.now();
  const containers = await options.docker.listContainers({
    all: true,
    filters: { label: [`${LABELS.sandbox}=true`] },
  });
  const reaped: ReapedSandbox[] = [];
  for (const info of containers) {
    const labels = info.Labels;
    const runId = labels[LABELS.runId] ?? '';
    const worker = labels[LABELS.worker] ?? '';
    const deadline = Number(labels[LABELS.deadline]);
    let reason: ReapedSandbox['reason'] | null = null;
    if (worker === options.worker && !(await options.isRunActive(runId))) reason = 'run-not-active';
    else if (Number.isFinite(deadline) && deadline + DEADLINE_GRACE_MS < now) reason = 'past-deadline';
    if (reason === null) continue;
    const removed = await options.docker
      .getContainer(info.Id)
      .remove({ force: true })
      .then(
        () => true,
        // Gone already (its worker closed it meanwhile): nothing left to report either.
        (error: unknown) => !isNotFound(error) && Promise.reject(error),
      );
    if (!removed) continue;
    reaped.push({
      containerId: info.Id,
      runId,
      repository: labels[LABELS.repository] ?? '',
      worker,
      checkoutDir: labels[LABELS.checkout] ?? null,
      reason,
    });
  }
  return reaped;
}

export interface OrphanReaperOptions extends ReapOrphansOptions {
  intervalMs: number;
  onReaped?: (reaped: ReapedSandbox[]) => void | Promise<void>;
  /** Further sweeping each time, after the containers' (what else a crashed run leaves: its disk). */
  afterSweep?: () => void | Promise<void>;
  /** A failed sweep (engine down...) is reported and retried at the next tick, never thrown. */
  onError?: (error: unknown) => void;
}

export interface OrphanReaper {
  /** Stops the timer and waits for a sweep in progress. */
  stop(): Promise<void>;
}

/** Sweeps at once (start-up) and then every `intervalMs`; sweeps never overlap. */
export function startOrphanReaper(options: OrphanReaperOptions): OrphanReaper {
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const sweep = () => {
    running = running.then(async () => {
      if (stopped) return;
      try {
        const reaped = await reapOrphans(options);
        if (reaped.length > 0) await options.onReaped?.(reaped);
        await options.afterSweep?.();
      } catch (error) {
        options.onError?.(error);
      }
    });
  };
  sweep();
  const timer = setInterval(sweep, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'statusCode' in error && error.statusCode === 404;
}

/**
 * Removes every sandbox of `runId`, whichever worker made it. Only for a caller that holds the run
 * (its job lock): any sandbox of the run is then a dead worker's, and would otherwise live on until
 * its deadline, since the reaper spares other workers' containers.
 */
export async function removeRunSandboxes(docker: Dockerode, runId: string): Promise<string[]> {
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`${LABELS.sandbox}=true`, `${LABELS.runId}=${runId}`] },
  });
  const removed: string[] = [];
  for (const info of containers) {
    const gone = await docker
      .getContainer(info.Id)
      .remove({ force: true })
      .then(
        () => true,
        (error: unknown) => !isNotFound(error) && Promise.reject(error),
      );
    if (gone) removed.push(info.Id);
  }
  return removed;
}

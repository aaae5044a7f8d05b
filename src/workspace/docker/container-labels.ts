/**
 * Labels every sandbox container carries. They are how the reaper finds what a crashed worker left
 * behind without any state of its own: the engine is the record.
 */
export const LABELS = {
  /** Marks a handsbot sandbox at all. */
  sandbox: 'handsbot.sandbox',
  runId: 'handsbot.run-id',
  repository: 'handsbot.repository',
  worker: 'handsbot.worker',
  /** The host folder mounted as the checkout, reported to the caller for deletion when reaped. */
  checkout: 'handsbot.checkout',
  /** Epoch ms after which the run is over whatever happened to its worker. */
  deadline: 'handsbot.deadline',
} as const;

export interface SandboxLabels {
  /** The repository as `owner/name`. */
  repository: string;
  /** Identifies the worker process that owns the container (hostname and pid, say). */
  worker: string;
  /** Anything else worth finding the container by. */
  extra?: Readonly<Record<string, string>>;
}

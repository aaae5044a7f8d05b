/**
 * Labels on every Docker object this module creates, so a reaper can find what a crashed worker left
 * behind without a list of its own.
 */
export const EGRESS_LABELS = Object.freeze({
  /** `sandbox-network` (a run's own network), `egress-relay` (its relay), `egress-bridge` (shared). */
  role: 'handsbot.role',
  runId: 'handsbot.run-id',
  networkMode: 'handsbot.network-mode',
});

/** Docker's status code on a dockerode error (404 gone, 409 conflict), undefined for anything else. */
export function dockerStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('statusCode' in error)) return undefined;
  return typeof error.statusCode === 'number' ? error.statusCode : undefined;
}

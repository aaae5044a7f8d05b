import { renderMarker } from '../render-marker.js';

/** The hidden first line of a run's tracking comment: how a retried or resumed job finds it. */
export function trackingMarker(runId: string, targetKey: string): string {
  return renderMarker({ run: runId, target: targetKey });
}

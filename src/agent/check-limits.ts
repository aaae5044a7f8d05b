import type { NewEvent } from '../events/event.js';
import { activeMsAt, type RunState } from './run-state.js';

/**
 * The run's hard limits, checked before every LLM call: a run never starts a step it has no budget
 * for. Returns the event that ends the run, or null to go on.
 */
export function checkLimits(state: RunState, now: Date): NewEvent | null {
  const settings = state.settings;
  if (!settings) return null;
  if (state.iterations >= settings.maxIterations) {
    return stop('MaxIterationsReached', `reached the limit of ${settings.maxIterations} iterations`);
  }
  if (settings.maxCostUsd !== null && state.metrics.costUsd >= settings.maxCostUsd) {
    return stop(
      'MaxBudgetReached',
      `spent $${state.metrics.costUsd.toFixed(4)} of the $${settings.maxCostUsd.toFixed(2)} budget`,
    );
  }
  if (settings.wallClockLimitMs !== null && activeMsAt(state, now) >= settings.wallClockLimitMs) {
    return stop(
      'WallClockLimitReached',
      `ran for ${Math.round(activeMsAt(state, now) / 1000)} s, over the ${Math.round(settings.wallClockLimitMs / 1000)} s limit`,
    );
  }
  return null;
}

function stop(code: 'MaxIterationsReached' | 'MaxBudgetReached' | 'WallClockLimitReached', detail: string) {
  return { kind: 'conversation_error', source: 'environment', code, detail } satisfies NewEvent;
}

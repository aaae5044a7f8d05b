import { describe, expect, it } from 'vitest';
import { resolveRunLimits } from '../../../src/config/resolve-run-limits.js';

describe('resolveRunLimits', () => {
  it('a repository can lower the limits but never raise them', () => {
    expect(
      resolveRunLimits({ maxIterations: 20, maxCostUsd: 1 }, { maxIterations: 50, maxCostUsd: 5 }),
    ).toEqual({
      maxIterations: 20,
      maxCostUsd: 1,
    });
    expect(
      resolveRunLimits({ maxIterations: 500, maxCostUsd: 100 }, { maxIterations: 50, maxCostUsd: 5 }),
    ).toEqual({
      maxIterations: 50,
      maxCostUsd: 5,
    });
  });

  it('no setting keeps the installation limits; a repository cap applies when the installation has none', () => {
    expect(resolveRunLimits({}, { maxIterations: 50, maxCostUsd: null })).toEqual({
      maxIterations: 50,
      maxCostUsd: null,
    });
    expect(resolveRunLimits({ maxCostUsd: 3 }, { maxIterations: 50, maxCostUsd: null })).toEqual({
      maxIterations: 50,
      maxCostUsd: 3,
    });
  });
});

export interface RunLimits {
  readonly maxIterations: number;
  readonly maxCostUsd: number | null;
}

/**
 * The limits a run gets: the repository may lower the installation's, never raise them (its file is
 * written by anyone with push access to the default branch, the operator pays). A repository cap on
 * cost applies even when the installation has none.
 */
export function resolveRunLimits(
  repo: { readonly maxIterations?: number | undefined; readonly maxCostUsd?: number | undefined },
  installation: RunLimits,
): RunLimits {
  const maxIterations = Math.min(
    repo.maxIterations ?? installation.maxIterations,
    installation.maxIterations,
  );
  const caps = [repo.maxCostUsd, installation.maxCostUsd ?? undefined].filter(
    (c): c is number => c !== undefined,
  );
  return { maxIterations, maxCostUsd: caps.length > 0 ? Math.min(...caps) : null };
}

/** A run's disk limit in bytes: the repository's (in megabytes) when lower than the installation's. */
export function resolveDiskLimit(repoMb: number | undefined, installationBytes: number): number {
  return repoMb === undefined ? installationBytes : Math.min(repoMb * 1024 * 1024, installationBytes);
}

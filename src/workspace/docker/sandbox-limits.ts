/**
 * What one run's container may use. Every field has a safe default, so a missing or partial config
 * still yields a bounded sandbox; config parsing (zod, at the edge) hands a partial object here.
 */
export interface SandboxLimits {
  /** Memory in bytes; swap is set to the same value, so the container never swaps. */
  memoryBytes: number;
  /** CPUs as a fraction of cores (1.5 = one and a half). */
  cpus: number;
  /** Processes and threads in the container: what contains a fork bomb. */
  pids: number;
  /** Size of the writable tmpfs at /tmp. Counts against `memoryBytes` as it is filled. */
  tmpBytes: number;
  /** Size of the writable tmpfs HOME (npm, pip and git caches). Also charged to memory. */
  homeBytes: number;
  /** Open files per process. */
  openFiles: number;
  /** A one-off `exec` (setup script, git) without its own timeout is stopped after this long. */
  execTimeoutMs: number;
  /** The most a terminal command may ask for with its `timeout` parameter. */
  maxCommandTimeoutMs: number;
  /** The whole run: the container is killed when it is up, whatever is running. */
  runTimeoutMs: number;
}

const MIB = 1024 * 1024;

export const DEFAULT_SANDBOX_LIMITS: Readonly<SandboxLimits> = Object.freeze({
  memoryBytes: 2048 * MIB,
  cpus: 2,
  pids: 512,
  tmpBytes: 512 * MIB,
  homeBytes: 512 * MIB,
  openFiles: 4096,
  execTimeoutMs: 10 * 60_000,
  maxCommandTimeoutMs: 30 * 60_000,
  runTimeoutMs: 60 * 60_000,
});

/** Fills in defaults and refuses values Docker would reject or that leave the sandbox unbounded. */
export function resolveSandboxLimits(partial: Partial<SandboxLimits> = {}): Readonly<SandboxLimits> {
  const limits: SandboxLimits = { ...DEFAULT_SANDBOX_LIMITS };
  for (const key of Object.keys(DEFAULT_SANDBOX_LIMITS) as (keyof SandboxLimits)[]) {
    const value = partial[key];
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value <= 0) {
      throw new RangeError(`Sandbox limit ${key} must be a positive number, not ${value}.`);
    }
    limits[key] = value;
  }
  // Docker's own floor is 6 MiB; below a few dozen a shell with git cannot even start.
  if (limits.memoryBytes < 32 * MIB)
    throw new RangeError('Sandbox limit memoryBytes must be at least 32 MiB.');
  if (limits.pids < 16) throw new RangeError('Sandbox limit pids must be at least 16.');
  return Object.freeze(limits);
}

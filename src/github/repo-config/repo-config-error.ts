import type { RepoConfigFile } from './repo-config-file.schema.js';

/** One thing wrong with the file: where (a dotted key path, or a line for YAML syntax) and what is expected. */
export interface RepoConfigProblem {
  /** `network.hosts[2]`, `(file)` for the whole document, or `line 4` for a YAML syntax error. */
  readonly key: string;
  readonly expected: string;
}

export type RepoConfigErrorKind = 'yaml' | 'schema' | 'not-a-file' | 'too-large';

/**
 * The keys that say whether an event is handsbot's trigger at all: which label starts a run, and
 * which branches are handsbot's (so which pull requests' reviews are for it). Only these are kept
 * from an invalid file, see `invalidConfigTriggerSettings`; nothing else of such a file is used.
 */
export const TRIGGER_KEYS = ['triggerLabel', 'branchPrefix'] as const;
export type TriggerKeys = Pick<RepoConfigFile, (typeof TRIGGER_KEYS)[number]>;

/**
 * `.github/openhands.yml` on the default branch is unusable: nothing runs, and the problems are
 * posted as a comment. Not retryable: the same file gives the same error until someone fixes it.
 */
export class RepoConfigError extends Error {
  override readonly name = 'RepoConfigError';
  /**
   * Of `TRIGGER_KEYS`, those the file sets validly on their own (its YAML parses and the problem is
   * elsewhere): what the file meant to count as a trigger, see `invalidConfigTriggerSettings`.
   */
  readonly triggerKeys: TriggerKeys;
  constructor(
    readonly path: string,
    readonly kind: RepoConfigErrorKind,
    readonly problems: readonly RepoConfigProblem[],
    options?: { cause?: unknown; triggerKeys?: TriggerKeys },
  ) {
    super(`${path} is invalid: ${problems.map((p) => `${p.key}: ${p.expected}`).join('; ')}`, options);
    this.triggerKeys = options?.triggerKeys ?? {};
  }
}

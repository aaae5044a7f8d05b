/** One thing wrong with the file: where (a dotted key path, or a line for YAML syntax) and what is expected. */
export interface RepoConfigProblem {
  /** `network.hosts[2]`, `(file)` for the whole document, or `line 4` for a YAML syntax error. */
  readonly key: string;
  readonly expected: string;
}

export type RepoConfigErrorKind = 'yaml' | 'schema' | 'not-a-file' | 'too-large';

/**
 * `.github/openhands.yml` on the default branch is unusable: nothing runs, and the problems are
 * posted as a comment. Not retryable: the same file gives the same error until someone fixes it.
 */
export class RepoConfigError extends Error {
  override readonly name = 'RepoConfigError';
  /**
   * The `triggerLabel` the file sets, when its YAML parses and that key on its own is valid (the
   * problem is elsewhere): which label was meant to start runs here, see `invalidConfigTriggerLabel`.
   */
  readonly triggerLabel?: string;
  constructor(
    readonly path: string,
    readonly kind: RepoConfigErrorKind,
    readonly problems: readonly RepoConfigProblem[],
    options?: { cause?: unknown; triggerLabel?: string },
  ) {
    super(`${path} is invalid: ${problems.map((p) => `${p.key}: ${p.expected}`).join('; ')}`, options);
    if (options?.triggerLabel !== undefined) this.triggerLabel = options.triggerLabel;
  }
}

/**
 * What went wrong with a git command, decided once here from git's exit and (English, LC_ALL=C)
 * output so callers branch on `kind`, never on message text: `auth` and `not-found` will not get
 * better with a retry, `network` may.
 */
export type GitFailureKind = 'auth' | 'not-found' | 'network' | 'rejected' | 'aborted' | 'failed';

/**
 * A git command that failed. `detail` is git's stderr with every secret masked; the command line is
 * never kept (simple-git's own error carries it in `task.commands`, token and all, so it is dropped
 * rather than chained as `cause`).
 */
export class GitCommandError extends Error {
  override readonly name = 'GitCommandError';

  constructor(
    readonly kind: GitFailureKind,
    /** The git subcommand only (`fetch`, `push`…): arguments may hold refs and URLs worth hiding. */
    readonly command: string,
    readonly exitCode: number | null,
    readonly detail: string,
  ) {
    const exit = exitCode === null ? '' : `, exit ${exitCode}`;
    super(`git ${command} failed (${kind}${exit}): ${HINTS[kind]}${detail}`);
  }
}

/** Said first, because git's own words for these ("could not read Username…") mislead. */
const HINTS: Record<GitFailureKind, string> = {
  auth: 'the server refused the credentials (a wrong or expired token, or no access to the repository): ',
  'not-found': 'the repository or ref does not exist or is not visible to this token: ',
  network: '',
  rejected: 'the server rejected the push: ',
  aborted: '',
  failed: '',
};

/** The branch name or target is not one the worker may push to; retrying cannot help. */
export class BranchPolicyError extends Error {
  override readonly name = 'BranchPolicyError';

  constructor(
    readonly branch: string,
    readonly reason: 'invalid-name' | 'protected' | 'prefix',
  ) {
    super(`refusing to push branch ${JSON.stringify(branch)}: ${BRANCH_REASONS[reason]}`);
  }
}

const BRANCH_REASONS: Record<BranchPolicyError['reason'], string> = {
  'invalid-name': 'not a valid branch name',
  protected: 'it is a default or protected branch',
  prefix: 'it does not start with an allowed prefix',
};

/** One setting in the checkout's git config that the worker did not put there and that bears on pushing. */
export interface ConfigFinding {
  readonly key: string;
  readonly value: string;
}

/** The agent changed the checkout's git config in a way that could redirect a push or run a program. */
export class TamperedCheckoutError extends Error {
  override readonly name = 'TamperedCheckoutError';

  constructor(readonly findings: readonly ConfigFinding[]) {
    super(
      `the checkout's git config was changed in ways that affect pushing: ${findings.map((f) => f.key).join(', ')}`,
    );
  }
}

const AUTH =
  /authentication failed|could not read (username|password)|terminal prompts disabled|\b(401|403)\b|invalid username or password|permission to .* denied/i;
const NOT_FOUND =
  /repository .* not found|\b404\b|not found|does not appear to be a git repository|couldn't find remote ref|not our ref|unadvertised object/i;
const NETWORK =
  /could not resolve host|failed to connect|connection (refused|reset|timed out)|operation timed out|\b(500|502|503|504)\b|early eof|the remote end hung up|unable to access/i;
const REJECTED =
  /\[rejected\]|\[remote rejected\]|non-fast-forward|failed to push some refs|protected branch/i;

/** Maps git's stderr to a failure kind; order matters (a 401 also says "unable to access"). */
export function classifyGitFailure(stderr: string): GitFailureKind {
  if (AUTH.test(stderr)) return 'auth';
  if (REJECTED.test(stderr)) return 'rejected';
  if (NOT_FOUND.test(stderr)) return 'not-found';
  if (NETWORK.test(stderr)) return 'network';
  return 'failed';
}

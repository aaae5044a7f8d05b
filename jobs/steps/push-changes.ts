import { classifyTreeChanges, type PathFinding } from '../../src/security/classify-tree-changes.js';
import { quoteReferencesInLine } from '../../src/security/markdown/mark-references.js';
import { type GitIdentity, type PushBranchResult, pushBranch } from '../../src/workspace/git/push-branch.js';
import { ChangesRefusedError } from '../job-errors.js';
import type { PreparedWorkspace, RunTask } from '../run-ports.js';

export interface PushChangesInput {
  prepared: PreparedWorkspace;
  task: RunTask;
  /** Minted for this push only; lives in memory and in the git command's environment. */
  token: string;
  /** The app, as author and committer. */
  author: GitIdentity;
  /** The person who triggered, as a `Co-authored-by:` trailer. */
  coAuthor: GitIdentity;
  /** The title comes from the issue: untrusted text that goes into a public commit message. */
  redact: (text: string) => string;
  signal: AbortSignal;
}

export type PushChangesResult =
  | Extract<PushBranchResult, { kind: 'no-changes' }>
  | (Extract<PushBranchResult, { kind: 'pushed' }> & {
      /** Pushed paths that control later runs or developers' machines: the reviewer must see them. */
      readonly flagged: readonly PathFinding[];
    });

/**
 * Step 5: the trusted push. The agent never pushes: the worker commits the working tree on top of the
 * base commit with its own git directory (the checkout's config and hooks are never used) and pushes
 * to the task's branch under its branch policy. Every path the push would change is classified
 * (`classifyTreeChanges`) from that git directory first: a refused one stops the push
 * (`ChangesRefusedError`, nothing leaves), flagged ones come back for the PR body and the report.
 */
export async function pushChanges(input: PushChangesInput): Promise<PushChangesResult> {
  const { task } = input;
  let flagged: readonly PathFinding[] = [];
  const setupScript = task.repoSettings?.setupScript;
  const review = (changes: Parameters<typeof classifyTreeChanges>[0]) => {
    const verdict = classifyTreeChanges(changes, {
      allowWorkflowChanges: task.allowWorkflowChanges,
      ...(setupScript ? { setupScript } : {}),
    });
    if (verdict.refused.length > 0) throw new ChangesRefusedError(verdict.refused);
    flagged = verdict.flagged;
  };
  const title =
    task.kind === 'issue'
      ? // The title: `closes #9` in it would close #9 when this commit is merged.
        `Fix issue #${task.number}: ${quoteReferencesInLine(task.title)}`
      : `Address feedback on #${task.number}`;
  const pushed = await pushBranch({
    review,
    checkoutDir: input.prepared.checkoutDir,
    url: input.prepared.remoteUrl,
    baseCommit: input.prepared.baseCommit,
    branch: task.pushBranch,
    policy: task.branchPolicy,
    token: input.token,
    message: input.redact(title),
    author: input.author,
    coAuthors: [input.coAuthor],
    signal: input.signal,
    // A new issue branch is handsbot's own: a retried job replaces what its earlier attempt pushed.
    // A PR's branch is someone's work and only ever fast-forwarded.
    force: task.kind === 'issue',
  });
  return pushed.kind === 'pushed' ? { ...pushed, flagged } : pushed;
}

/** GitHub's no-reply address for a user, which links the commit to their account. */
export function noReplyIdentity(login: string, id: number): GitIdentity {
  return { name: login, email: `${id}+${login}@users.noreply.github.com` };
}

import {
  sanitizeUntrustedLine,
  sanitizeUntrustedText,
} from '../../security/markdown/sanitize-untrusted-text.js';
import type { PermissionChecker } from './create-permission-checker.js';
import { gatherFailingChecks } from './gather-failing-checks.js';
import type { GitHubClient } from './github-client.js';
import { addLeftOut, boundText, selectAllowedItems } from './select-allowed-items.js';
import type { LeftOut, ReviewThread, TriggerContext } from './trigger-context.js';
import {
  type GqlIssue,
  type GqlPullRequest,
  type GqlReviewThread,
  SUBJECT_QUERY,
  type SubjectQueryResult,
  THREADS_QUERY,
  type ThreadsQueryResult,
} from './trigger-context-queries.js';

/** Budgets that keep one prompt bounded however long the discussion is. */
const MAX_COMMENTS = 30;
const MAX_REVIEWS = 10;
const MAX_THREADS = 40;
const MAX_THREAD_COMMENTS = 15;
const MAX_TITLE_CHARS = 256;
const MAX_BODY_CHARS = 20_000;

export interface GatherTriggerContextOptions {
  readonly owner: string;
  readonly repo: string;
  readonly kind: 'issue' | 'pull_request';
  readonly number: number;
  readonly triggeredAt: string;
  readonly triggeredBy: string;
  /** The words after `/agent fix`, if any. */
  readonly instructions?: string;
  /** The comment that triggered: its words come in as instructions, not as discussion. */
  readonly triggerCommentId?: number;
  /** Cached per job: asked once per distinct author. */
  readonly permissions: PermissionChecker;
}

/** The issue or PR has become the other kind, or is gone: the job should end, not retry. */
export class TriggerTargetError extends Error {
  override readonly name = 'TriggerTargetError';
  constructor(
    readonly number: number,
    readonly found: 'missing' | 'Issue' | 'PullRequest',
  ) {
    super(`#${number} is ${found === 'missing' ? 'not found' : `a ${found}`}`);
  }
}

/**
 * Reads an issue (title, body, comments) or a pull request (also its reviews, unresolved review
 * threads and the checks that failed on its head commit) and keeps only what may reach the agent:
 * content from before the trigger, by people allowed to trigger, not minimised, sanitised and
 * bounded. Counts of what was left out travel along.
 */
export async function gatherTriggerContext(
  octokit: GitHubClient,
  options: GatherTriggerContextOptions,
): Promise<TriggerContext> {
  const { owner, repo, number } = options;
  const result = await octokit
    .graphql<SubjectQueryResult>(SUBJECT_QUERY, { owner, repo, number })
    .catch((error: unknown) => {
      // GitHub answers a missing number with a NOT_FOUND error entry, not a 404: the job must end.
      if (isNotFound(error)) throw new TriggerTargetError(number, 'missing');
      throw error;
    });
  const subject = result.repository?.issueOrPullRequest ?? null;
  const expected = options.kind === 'issue' ? 'Issue' : 'PullRequest';
  if (!subject || subject.__typename !== expected) {
    throw new TriggerTargetError(number, subject?.__typename ?? 'missing');
  }
  const excludeIds = new Set(options.triggerCommentId === undefined ? [] : [options.triggerCommentId]);
  const select = { triggeredAt: options.triggeredAt, permissions: options.permissions, excludeIds };
  const comments = await selectAllowedItems(subject.comments.nodes ?? [], {
    ...select,
    maxItems: MAX_COMMENTS,
  });
  const unread = olderUnread(subject.comments);
  const common = {
    owner,
    repo,
    number,
    url: subject.url,
    title: boundText(sanitizeUntrustedLine(subject.title), MAX_TITLE_CHARS).replace(/\s+/g, ' '),
    author: subject.author?.login ?? null,
    ...(await bodyOf(subject, options)),
    triggeredBy: options.triggeredBy,
    triggeredAt: options.triggeredAt,
    instructions: boundText(sanitizeUntrustedText(options.instructions ?? '')),
    comments: comments.items,
  };
  if (subject.__typename === 'Issue') {
    return { kind: 'issue', ...common, leftOut: addLeftOut(comments.leftOut, unread) };
  }
  const reviews = await selectAllowedItems(subject.reviews.nodes ?? [], { ...select, maxItems: MAX_REVIEWS });
  const threads = await gatherThreads(octokit, options);
  const checks = await gatherFailingChecks(octokit, {
    owner,
    repo,
    headSha: subject.headRefOid,
    triggeredAt: options.triggeredAt,
  });
  return {
    kind: 'pull_request',
    ...common,
    headRef: subject.headRefName,
    baseRef: subject.baseRefName,
    fromFork: subject.isCrossRepository,
    reviews: reviews.items,
    threads: threads.threads,
    resolvedThreads: threads.resolved,
    checks,
    leftOut: [reviews.leftOut, threads.leftOut, unread, olderUnread(subject.reviews)].reduce(
      addLeftOut,
      comments.leftOut,
    ),
  };
}

/**
 * The body is the task itself, vouched for by whoever triggered; but an edit after the trigger by
 * someone who may not trigger (the classic "edit the issue once the label is on" injection) drops it.
 */
async function bodyOf(
  subject: GqlIssue | GqlPullRequest,
  options: GatherTriggerContextOptions,
): Promise<{ body: string | null; bodyLeftOutReason: string | null }> {
  const editedLate =
    subject.lastEditedAt !== null && Date.parse(subject.lastEditedAt) > Date.parse(options.triggeredAt);
  if (editedLate) {
    const editor = subject.editor;
    const allowed = editor
      ? (await options.permissions(editor.login, editor.__typename === 'Bot' ? 'Bot' : undefined)).allowed
      : false;
    if (!allowed) {
      return {
        body: null,
        bodyLeftOutReason: 'it was edited after the trigger by someone who may not trigger handsbot',
      };
    }
  }
  return { body: boundText(sanitizeUntrustedText(subject.body), MAX_BODY_CHARS), bodyLeftOutReason: null };
}

function isNotFound(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, errors } = error as { name?: unknown; errors?: unknown };
  return (
    name === 'GraphqlResponseError' &&
    Array.isArray(errors) &&
    errors.length > 0 &&
    errors.every(
      (e: unknown) => typeof e === 'object' && e !== null && (e as { type?: unknown }).type === 'NOT_FOUND',
    )
  );
}

function olderUnread(page: { totalCount: number; nodes: readonly unknown[] | null }): LeftOut {
  return {
    notAllowed: 0,
    afterTrigger: 0,
    minimized: 0,
    overBudget: Math.max(0, page.totalCount - (page.nodes?.length ?? 0)),
  };
}

async function gatherThreads(
  octokit: GitHubClient,
  options: GatherTriggerContextOptions,
): Promise<{ threads: ReviewThread[]; resolved: number; leftOut: LeftOut }> {
  const raw: GqlReviewThread[] = [];
  let cursor: string | null = null;
  do {
    const page: ThreadsQueryResult = await octokit.graphql<ThreadsQueryResult>(THREADS_QUERY, {
      owner: options.owner,
      repo: options.repo,
      number: options.number,
      cursor,
    });
    const threads = page.repository?.pullRequest?.reviewThreads;
    if (!threads) break;
    for (const t of threads.nodes ?? []) if (t) raw.push(t);
    cursor = threads.pageInfo.hasNextPage ? threads.pageInfo.endCursor : null;
  } while (cursor !== null);

  let leftOut: LeftOut = { notAllowed: 0, afterTrigger: 0, minimized: 0, overBudget: 0 };
  const threads: ReviewThread[] = [];
  let resolved = 0;
  for (const t of raw) {
    if (t.isResolved) {
      resolved++;
      continue;
    }
    const first = t.comments.nodes?.find((c) => c !== null);
    if (!first || first.databaseId === null) continue;
    const selected = await selectAllowedItems(t.comments.nodes ?? [], {
      triggeredAt: options.triggeredAt,
      permissions: options.permissions,
      maxItems: MAX_THREAD_COMMENTS,
    });
    leftOut = addLeftOut(addLeftOut(leftOut, selected.leftOut), olderUnread(t.comments));
    // A thread none of whose comments may be shown is not the agent's business.
    if (selected.items.length === 0) continue;
    threads.push({
      id: t.id,
      firstCommentId: first.databaseId,
      path: t.path,
      line: t.line,
      outdated: t.isOutdated,
      comments: selected.items,
    });
  }
  const kept = threads.slice(0, MAX_THREADS);
  leftOut = addLeftOut(leftOut, {
    notAllowed: 0,
    afterTrigger: 0,
    minimized: 0,
    overBudget: threads.length - kept.length,
  });
  return { threads: kept, resolved, leftOut };
}

import { SUBJECT_QUERY, THREADS_QUERY } from '../../src/github/ops/trigger-context-queries.js';
import { resolveCommit } from './git-repos.js';
import type { StandinComment, StandinRepo, StandinUser } from './state.js';

/**
 * The GraphQL endpoint, for exactly the queries handsbot sends (any other query is a contract
 * violation: the stand-in cannot vouch for an answer it was never taught), answered from the same
 * state as REST.
 */
export type GraphqlAnswer = { data: unknown; errors?: unknown[] } | { violation: string };

export async function answerGraphql(
  body: unknown,
  findRepo: (owner: string, name: string) => StandinRepo | undefined,
  baseUrl: string,
): Promise<GraphqlAnswer> {
  const { query, variables } = (typeof body === 'object' && body !== null ? body : {}) as {
    query?: unknown;
    variables?: Record<string, unknown>;
  };
  const vars = variables ?? {};
  const owner = String(vars.owner ?? '');
  const name = String(vars.repo ?? '');
  const number = Number(vars.number);
  if (query !== SUBJECT_QUERY && query !== THREADS_QUERY) {
    return { violation: `unknown GraphQL query: ${String(query).slice(0, 80)}` };
  }
  const repo = findRepo(owner, name);
  const notFound = (what: string) => ({
    type: 'NOT_FOUND',
    path: ['repository', what],
    message: `Could not resolve to an issue or pull request with the number of ${number}.`,
  });
  if (!repo) return { data: { repository: null }, errors: [{ ...notFound('repository') }] };
  const item = repo.items.get(number);
  const url = (kind: string) => `${baseUrl}/${repo.owner.login}/${repo.name}/${kind}/${number}`;
  const comment = (c: StandinComment, anchor: string) => ({
    databaseId: c.id,
    author: author(c.user),
    body: c.body,
    createdAt: c.createdAt,
    isMinimized: c.minimized,
    url: `${url(item?.pull ? 'pull' : 'issues')}#${anchor}${c.id}`,
  });

  if (query === SUBJECT_QUERY) {
    if (!item)
      return { data: { repository: { issueOrPullRequest: null } }, errors: [notFound('issueOrPullRequest')] };
    const common = {
      title: item.title,
      body: item.body,
      url: url(item.pull ? 'pull' : 'issues'),
      createdAt: item.createdAt,
      lastEditedAt: item.lastEditedAt,
      author: author(item.user),
      editor: item.editor ? author(item.editor) : null,
      comments: last(item.comments, 100, (c) => comment(c, 'issuecomment-')),
    };
    if (!item.pull)
      return { data: { repository: { issueOrPullRequest: { __typename: 'Issue', ...common } } } };
    const pull = item.pull;
    return {
      data: {
        repository: {
          issueOrPullRequest: {
            __typename: 'PullRequest',
            ...common,
            headRefName: pull.head,
            headRefOid: (await resolveCommit(repo.gitDir, `heads/${pull.head}`)) ?? '',
            baseRefName: pull.base,
            isCrossRepository: false,
            reviews: last(pull.reviews, 50, (r) => ({
              databaseId: r.id,
              author: author(r.user),
              body: r.body,
              createdAt: r.submittedAt,
              isMinimized: false,
              url: `${url('pull')}#pullrequestreview-${r.id}`,
              state: r.state,
            })),
          },
        },
      },
    };
  }

  if (!item?.pull) return { data: { repository: { pullRequest: null } }, errors: [notFound('pullRequest')] };
  const pull = item.pull;
  const roots = pull.reviewComments.filter((c) => c.inReplyTo === undefined);
  const start = vars.cursor ? Number(vars.cursor) : 0;
  const slice = roots.slice(start, start + 50);
  return {
    data: {
      repository: {
        pullRequest: {
          reviewThreads: {
            pageInfo: { hasNextPage: start + 50 < roots.length, endCursor: String(start + slice.length) },
            nodes: slice.map((root) => {
              const thread = pull.reviewComments.filter((c) => c.id === root.id || c.inReplyTo === root.id);
              return {
                id: `PRRT_${root.id}`,
                isResolved: pull.resolvedThreads.has(root.id),
                isOutdated: false,
                path: root.path,
                line: root.line,
                comments: {
                  totalCount: thread.length,
                  nodes: thread.slice(0, 30).map((c) => comment(c, 'discussion_r')),
                },
              };
            }),
          },
        },
      },
    },
  };
}

/** GitHub's GraphQL names an app's bot without the `[bot]` suffix REST shows. */
function author(user: StandinUser): { login: string; __typename: string } {
  return user.type === 'Bot'
    ? { login: user.login.replace(/\[bot\]$/, ''), __typename: 'Bot' }
    : { login: user.login, __typename: 'User' };
}

function last<T, U>(
  items: readonly T[],
  count: number,
  map: (item: T) => U,
): { totalCount: number; nodes: U[] } {
  return { totalCount: items.length, nodes: items.slice(-count).map(map) };
}

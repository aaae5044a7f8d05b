/**
 * GraphQL reads for the trigger context. GraphQL rather than REST because it tells what REST cannot:
 * whether a review thread is resolved, whether a comment was minimised, and when and by whom a body
 * was last edited.
 */

export interface GqlAuthor {
  readonly login: string;
  readonly __typename: string;
}

export interface GqlComment {
  readonly databaseId: number | null;
  readonly author: GqlAuthor | null;
  readonly body: string;
  readonly createdAt: string;
  readonly isMinimized: boolean;
  readonly url: string;
}

export interface GqlPage<T> {
  readonly totalCount: number;
  readonly nodes: readonly (T | null)[] | null;
}

interface GqlSubject {
  readonly __typename: 'Issue' | 'PullRequest';
  readonly title: string;
  readonly body: string;
  readonly url: string;
  readonly createdAt: string;
  readonly lastEditedAt: string | null;
  readonly author: GqlAuthor | null;
  readonly editor: GqlAuthor | null;
  readonly comments: GqlPage<GqlComment>;
}

export interface GqlIssue extends GqlSubject {
  readonly __typename: 'Issue';
}

export interface GqlPullRequest extends GqlSubject {
  readonly __typename: 'PullRequest';
  readonly headRefName: string;
  /** The head commit: its checks are what `/agent fix` is asked to fix. */
  readonly headRefOid: string;
  readonly baseRefName: string;
  readonly isCrossRepository: boolean;
  readonly reviews: GqlPage<GqlComment & { readonly state: string }>;
}

export interface SubjectQueryResult {
  readonly repository: { readonly issueOrPullRequest: GqlIssue | GqlPullRequest | null } | null;
}

export interface GqlReviewThread {
  readonly id: string;
  readonly isResolved: boolean;
  readonly isOutdated: boolean;
  readonly path: string;
  readonly line: number | null;
  readonly comments: GqlPage<GqlComment>;
}

export interface ThreadsQueryResult {
  readonly repository: {
    readonly pullRequest: {
      readonly reviewThreads: {
        readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null };
        readonly nodes: readonly (GqlReviewThread | null)[] | null;
      };
    } | null;
  } | null;
}

const COMMENT_FIELDS = 'databaseId author { login __typename } body createdAt isMinimized url';

/** The newest 100 comments: a trigger concerns the recent discussion, and the budget keeps fewer. */
export const SUBJECT_QUERY = `query handsbotSubject($owner: String!, $repo: String!, $number: Int!) {
  repository(owner: $owner, name: $repo) {
    issueOrPullRequest(number: $number) {
      __typename
      ... on Issue {
        title body url createdAt lastEditedAt
        author { login __typename } editor { login __typename }
        comments(last: 100) { totalCount nodes { ${COMMENT_FIELDS} } }
      }
      ... on PullRequest {
        title body url createdAt lastEditedAt headRefName headRefOid baseRefName isCrossRepository
        author { login __typename } editor { login __typename }
        comments(last: 100) { totalCount nodes { ${COMMENT_FIELDS} } }
        reviews(last: 50) { totalCount nodes { ${COMMENT_FIELDS} state } }
      }
    }
  }
}`;

export const THREADS_QUERY = `query handsbotThreads($owner: String!, $repo: String!, $number: Int!, $cursor: String) {
  repository(owner: $owner, name: $repo) {
    pullRequest(number: $number) {
      reviewThreads(first: 50, after: $cursor) {
        pageInfo { hasNextPage endCursor }
        nodes {
          id isResolved isOutdated path line
          comments(first: 30) { totalCount nodes { ${COMMENT_FIELDS} } }
        }
      }
    }
  }
}`;

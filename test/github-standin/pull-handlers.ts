import { resolveCommit } from './git-repos.js';
import { asObject, type Renderer } from './render.js';
import {
  int,
  notFound,
  ok,
  paged,
  pullJson,
  type RestContext,
  type RestHandler,
  str,
} from './rest-common.js';
import {
  now,
  type StandinIssue,
  type StandinReviewComment,
  type StandinState,
  type StandinUser,
} from './state.js';

/** Pull requests, their reviewers, reviews and review comments. */
export function pullHandlers(state: StandinState, render: Renderer): Record<string, RestHandler> {
  const pullOf = (c: RestContext) => {
    const issue = c.repo.items.get(int(c.params.pull_number));
    return issue?.pull ? issue : undefined;
  };
  return {
    'pulls/create': async (c) => {
      const head = str(c.body.head).replace(/^[^:]+:/, '');
      const base = str(c.body.base);
      const open = [...c.repo.items.values()].some((i) => i.state === 'open' && i.pull?.head === head);
      if (!(await resolveCommit(c.repo.gitDir, `heads/${head}`)) || open) {
        return { status: 422, body: { message: 'Validation Failed', documentation_url: '' } };
      }
      const at = now();
      const issue: StandinIssue = {
        id: state.nextId(),
        number: state.nextNumber(c.repo),
        title: str(c.body.title),
        body: str(c.body.body),
        user: c.actor,
        labels: [],
        state: 'open',
        createdAt: at,
        updatedAt: at,
        lastEditedAt: null,
        editor: null,
        comments: [],
        reactions: [],
        pull: {
          head,
          base,
          draft: c.body.draft === true,
          requestedReviewers: [],
          reviews: [],
          reviewComments: [],
          resolvedThreads: new Set(),
        },
      };
      c.repo.items.set(issue.number, issue);
      return ok(await pullJson(render, c.repo, issue, render.template('pulls/create', 201)), 201);
    },

    'pulls/list': async (c) => {
      const head = c.query.head?.replace(/^[^:]+:/, '');
      const state_ = c.query.state ?? 'open';
      const pulls = [...c.repo.items.values()].filter(
        (i) =>
          i.pull && (state_ === 'all' || i.state === state_) && (head === undefined || i.pull.head === head),
      );
      const template = render.template('pulls/list', 200);
      return paged(c, pulls, (i) => pullJson(render, c.repo, i, template));
    },

    'pulls/get': async (c) => {
      const issue = pullOf(c);
      return issue ? ok(await pullJson(render, c.repo, issue, render.template('pulls/get', 200))) : notFound;
    },

    'pulls/request-reviewers': async (c) => {
      const issue = pullOf(c);
      if (!issue?.pull) return notFound;
      const logins = Array.isArray(c.body.reviewers) ? c.body.reviewers.map(str) : [];
      for (const login of logins) {
        if (!c.repo.roles.has(login.toLowerCase()) || login === issue.user.login) {
          return { status: 422, body: { message: 'Reviews may only be requested from collaborators.' } };
        }
        issue.pull.requestedReviewers.push(state.user(login));
      }
      return ok(await pullJson(render, c.repo, issue, render.template('pulls/request-reviewers', 201)), 201);
    },

    'pulls/list-review-comments': async (c) => {
      const issue = pullOf(c);
      if (!issue?.pull) return notFound;
      return paged(c, issue.pull.reviewComments, (rc) => render.reviewComment(c.repo, issue, rc));
    },

    'pulls/create-reply-for-review-comment': async (c) => {
      const issue = pullOf(c);
      const root = issue?.pull?.reviewComments.find((rc) => rc.id === int(c.params.comment_id));
      if (!issue?.pull || !root) return notFound;
      const reply = reviewComment(
        state,
        c.actor,
        str(c.body.body),
        root.path,
        root.line,
        root.commitId,
        null,
      );
      issue.pull.reviewComments.push({ ...reply, inReplyTo: root.inReplyTo ?? root.id });
      return ok(render.reviewComment(c.repo, issue, { ...reply, inReplyTo: root.inReplyTo ?? root.id }), 201);
    },

    'pulls/create-review': async (c) => {
      const issue = pullOf(c);
      if (!issue?.pull) return notFound;
      const commitId =
        str(c.body.commit_id) || ((await resolveCommit(c.repo.gitDir, `heads/${issue.pull.head}`)) ?? '');
      const event = str(c.body.event);
      const review = {
        id: state.nextId(),
        user: c.actor,
        body: str(c.body.body),
        state:
          event === 'APPROVE' ? 'APPROVED' : event === 'REQUEST_CHANGES' ? 'CHANGES_REQUESTED' : 'COMMENTED',
        submittedAt: now(),
        commitId,
      } as const;
      issue.pull.reviews.push(review);
      for (const item of Array.isArray(c.body.comments) ? c.body.comments : []) {
        const comment = asObject(item);
        const line = typeof comment.line === 'number' ? comment.line : 1;
        issue.pull.reviewComments.push(
          reviewComment(state, c.actor, str(comment.body), str(comment.path), line, commitId, review.id),
        );
      }
      return ok(render.review(c.repo, issue, review));
    },
  };
}

function reviewComment(
  state: StandinState,
  user: StandinUser,
  body: string,
  path: string,
  line: number,
  commitId: string,
  reviewId: number | null,
): StandinReviewComment {
  const at = now();
  const id = state.nextId();
  return {
    id,
    body,
    user,
    createdAt: at,
    updatedAt: at,
    minimized: false,
    reactions: [],
    path,
    line,
    commitId,
    reviewId,
  };
}

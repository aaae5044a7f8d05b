import type { GitHubContract } from './contract.js';
import type {
  StandinComment,
  StandinIssue,
  StandinReaction,
  StandinRepo,
  StandinReview,
  StandinReviewComment,
  StandinUser,
} from './state.js';

/**
 * Answers in GitHub's shapes: each starts from GitHub's own example for the operation (so every field
 * the description requires is there) with the stand-in's state laid over it.
 */
export type Json = { [key: string]: unknown };

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function asObject(value: unknown): Json {
  if (Array.isArray(value)) return asObject(value[0]);
  if (!isObject(value)) throw new Error('example is not an object');
  return value;
}

export class Renderer {
  constructor(
    private readonly contract: GitHubContract,
    private readonly baseUrl: string,
  ) {}

  template(operationId: string, status: number): Json {
    return asObject(this.contract.example(operationId, status));
  }

  api(path: string): string {
    return `${this.baseUrl}${path}`;
  }

  user(user: StandinUser): Json {
    const base = asObject(this.template('issues/get-comment', 200).user);
    return {
      ...base,
      login: user.login,
      id: user.id,
      node_id: `U_${user.id}`,
      type: user.type,
      url: this.api(`/users/${user.login}`),
      html_url: `${this.baseUrl}/${user.login}`,
    };
  }

  /** A profile as `GET /users/{username}` shows it to anyone: the public view, nothing filled in. */
  publicUser(user: StandinUser): Json {
    return {
      ...this.template('users/get-by-username', 200),
      ...this.user(user),
      user_view_type: 'public',
      name: null,
      company: null,
      blog: '',
      location: null,
      email: null,
      hireable: null,
      bio: null,
      twitter_username: null,
      public_repos: 0,
      public_gists: 0,
      followers: 0,
      following: 0,
    };
  }

  /** The app itself, as `GET /app` answers its own JWT. */
  app(app: { id: number; slug: string }): Json {
    return {
      ...this.template('apps/get-authenticated', 200),
      id: app.id,
      slug: app.slug,
      node_id: `A_${app.id}`,
      name: app.slug,
      html_url: `${this.baseUrl}/apps/${app.slug}`,
    };
  }

  repository(repo: StandinRepo, template: Json): Json {
    const full = `${repo.owner.login}/${repo.name}`;
    return {
      ...template,
      id: repo.id,
      node_id: `R_${repo.id}`,
      name: repo.name,
      full_name: full,
      owner: this.user(repo.owner),
      private: false,
      html_url: `${this.baseUrl}/${full}`,
      url: this.api(`/repos/${full}`),
      clone_url: `${this.baseUrl}/${full}.git`,
      default_branch: repo.defaultBranch,
    };
  }

  issueComment(repo: StandinRepo, issue: StandinIssue, comment: StandinComment): Json {
    const full = `${repo.owner.login}/${repo.name}`;
    return {
      ...this.template('issues/get-comment', 200),
      id: comment.id,
      node_id: `IC_${comment.id}`,
      url: this.api(`/repos/${full}/issues/comments/${comment.id}`),
      html_url: `${this.baseUrl}/${full}/issues/${issue.number}#issuecomment-${comment.id}`,
      issue_url: this.api(`/repos/${full}/issues/${issue.number}`),
      body: comment.body,
      user: this.user(comment.user),
      created_at: comment.createdAt,
      updated_at: comment.updatedAt,
      author_association: authorAssociation(repo, comment.user),
      reactions: this.rollup(comment.reactions),
    };
  }

  reviewComment(repo: StandinRepo, issue: StandinIssue, comment: StandinReviewComment): Json {
    const full = `${repo.owner.login}/${repo.name}`;
    const { in_reply_to_id: _drop, ...template } = this.template('pulls/list-review-comments', 200);
    return {
      ...template,
      id: comment.id,
      node_id: `PRRC_${comment.id}`,
      pull_request_review_id: comment.reviewId,
      url: this.api(`/repos/${full}/pulls/comments/${comment.id}`),
      html_url: `${this.baseUrl}/${full}/pull/${issue.number}#discussion_r${comment.id}`,
      pull_request_url: this.api(`/repos/${full}/pulls/${issue.number}`),
      path: comment.path,
      line: comment.line,
      original_line: comment.line,
      commit_id: comment.commitId,
      original_commit_id: comment.commitId,
      body: comment.body,
      user: this.user(comment.user),
      created_at: comment.createdAt,
      updated_at: comment.updatedAt,
      author_association: authorAssociation(repo, comment.user),
      ...(comment.inReplyTo !== undefined ? { in_reply_to_id: comment.inReplyTo } : {}),
    };
  }

  review(repo: StandinRepo, issue: StandinIssue, review: StandinReview): Json {
    const full = `${repo.owner.login}/${repo.name}`;
    return {
      ...this.template('pulls/create-review', 200),
      id: review.id,
      node_id: `PRR_${review.id}`,
      user: this.user(review.user),
      body: review.body,
      state: review.state,
      commit_id: review.commitId,
      submitted_at: review.submittedAt,
      html_url: `${this.baseUrl}/${full}/pull/${issue.number}#pullrequestreview-${review.id}`,
      pull_request_url: this.api(`/repos/${full}/pulls/${issue.number}`),
      author_association: authorAssociation(repo, review.user),
    };
  }

  reaction(reaction: StandinReaction): Json {
    return {
      ...this.template('reactions/create-for-issue', 201),
      id: reaction.id,
      node_id: `REA_${reaction.id}`,
      content: reaction.content,
      user: this.user(reaction.user),
    };
  }

  rollup(reactions: readonly StandinReaction[]): Json {
    const count = (content: string) => reactions.filter((r) => r.content === content).length;
    return {
      url: '',
      total_count: reactions.length,
      '+1': count('+1'),
      '-1': count('-1'),
      laugh: count('laugh'),
      confused: count('confused'),
      heart: count('heart'),
      hooray: count('hooray'),
      eyes: count('eyes'),
      rocket: count('rocket'),
    };
  }

  /** A pull request in the shape of `template` (full for get/create, simple for list). */
  pull(repo: StandinRepo, issue: StandinIssue, shas: { head: string; base: string }, template: Json): Json {
    const pull = issue.pull;
    if (!pull) throw new Error(`#${issue.number} is not a pull request`);
    const full = `${repo.owner.login}/${repo.name}`;
    const repoJson = this.repository(repo, asObject(asObject(template.base).repo));
    const side = (ref: string, sha: string, at: unknown) => ({
      ...asObject(at),
      label: `${repo.owner.login}:${ref}`,
      ref,
      sha,
      user: this.user(repo.owner),
      repo: repoJson,
    });
    return {
      ...template,
      id: issue.id,
      node_id: `PR_${issue.id}`,
      number: issue.number,
      url: this.api(`/repos/${full}/pulls/${issue.number}`),
      html_url: `${this.baseUrl}/${full}/pull/${issue.number}`,
      issue_url: this.api(`/repos/${full}/issues/${issue.number}`),
      state: issue.state,
      title: issue.title,
      body: issue.body,
      user: this.user(issue.user),
      labels: [],
      created_at: issue.createdAt,
      updated_at: issue.updatedAt,
      closed_at: null,
      merged_at: null,
      merge_commit_sha: null,
      assignee: null,
      assignees: [],
      milestone: null,
      draft: pull.draft,
      head: side(pull.head, shas.head, template.head),
      base: side(pull.base, shas.base, template.base),
      requested_reviewers: pull.requestedReviewers.map((u) => this.user(u)),
      requested_teams: [],
      author_association: authorAssociation(repo, issue.user),
      auto_merge: null,
    };
  }
}

function authorAssociation(repo: StandinRepo, user: StandinUser): string {
  if (user.id === repo.owner.id) return 'OWNER';
  return repo.roles.has(user.login.toLowerCase()) ? 'COLLABORATOR' : 'NONE';
}

import { randomUUID } from 'node:crypto';
import { deliverWebhook, exampleWebhook, type Payload } from '../support/webhooks.js';
import { createBareRepo, resolveCommit } from './git-repos.js';
import { type StandinServer, type StandinServerOptions, startStandinServer } from './standin-server.js';
import {
  type CheckRunInput,
  now,
  type Role,
  type StandinComment,
  type StandinIssue,
  type StandinRepo,
  type StandinReview,
  type StandinReviewComment,
} from './state.js';

export interface DeliveryAbout {
  /** `owner/name` of a repository made with `createRepository`. */
  readonly repo: string;
  /** The issue or PR the event is about: its state fills `issue` (and `pull_request` for PRs). */
  readonly number?: number;
  /** Who acted; a user of the stand-in (made on first mention). */
  readonly sender?: string;
  /** An issue or review comment of that item: its state fills `comment` (and the sender, if not given). */
  readonly comment?: number;
  /** A review of that PR (from `addReview`): its state fills `review`, as in `pull_request_review` events. */
  readonly review?: number;
  /** Deep-merged last, over the example and the state. */
  readonly overrides?: Payload;
}

export interface GitHubStandin extends StandinServer {
  /** Fails the calling test with every contract violation recorded so far. */
  assertNoViolations(): void;
  addInstallation(id: number): void;
  createRepository(options: {
    readonly owner: string;
    readonly name: string;
    readonly installationId: number;
    /** A working repository to copy (all its branches); empty when absent. */
    readonly from?: string;
    readonly defaultBranch?: string;
    readonly roles?: Readonly<Record<string, Role>>;
  }): Promise<StandinRepo>;
  setRole(repo: string, login: string, role: Role | null): void;
  createIssue(
    repo: string,
    issue: { title: string; body: string; user: string; labels?: string[] },
  ): StandinIssue;
  addComment(repo: string, number: number, comment: { user: string; body: string }): StandinComment;
  /** A review by a person, with line comments that each start a thread. */
  addReview(
    repo: string,
    number: number,
    review: {
      user: string;
      body: string;
      state?: StandinReview['state'];
      comments?: { path: string; line: number; body: string }[];
    },
  ): Promise<StandinReview>;
  setCheckRuns(repo: string, sha: string, runs: CheckRunInput[]): void;
  /** `http://127.0.0.1:PORT/owner/name.git`: clone and push with `x-access-token:<minted token>`. */
  gitUrl(repo: string): string;
  setWebhook(url: string, secret: string): void;
  /** Posts `event`.`action` to the app as GitHub does, built from GitHub's example and the state. */
  deliver(
    event: string,
    action: string,
    about: DeliveryAbout,
  ): Promise<{ id: string; status: number; body: string }>;
}

/** A GitHub stand-in on 127.0.0.1 (random port). Tests only: never imported by src/ or jobs/. */
export async function createGitHubStandin(options: StandinServerOptions): Promise<GitHubStandin> {
  const server = await startStandinServer(options);
  const { state } = server;
  let webhook: { url: string; secret: string } | null = null;
  const repoOf = (full: string) => {
    const [owner = '', name = ''] = full.split('/');
    const repo = state.repo(owner, name);
    if (!repo) throw new Error(`no repository ${full} in the stand-in`);
    return repo;
  };
  const itemOf = (full: string, number: number) => {
    const item = repoOf(full).items.get(number);
    if (!item) throw new Error(`no #${number} in ${full}`);
    return item;
  };

  return {
    ...server,
    assertNoViolations() {
      if (server.violations.length === 0) return;
      const lines = server.violations.map(
        (v) => `${v.method} ${v.path} (${v.operationId ?? 'no operation'}): ${v.problems.join('; ')}`,
      );
      throw new Error(`GitHub contract violations:\n${lines.join('\n')}`);
    },
    addInstallation: (id) => void state.installations.add(id),
    async createRepository({ owner, name, installationId, from, defaultBranch = 'main', roles = {} }) {
      state.installations.add(installationId);
      const gitDir = await createBareRepo(server.gitRoot, owner, name, from);
      const repo: StandinRepo = {
        id: state.nextId(),
        owner: state.user(owner),
        name,
        defaultBranch,
        installationId,
        gitDir,
        roles: new Map(Object.entries(roles).map(([login, role]) => [login.toLowerCase(), role])),
        items: new Map(),
        checkRuns: new Map(),
      };
      for (const login of Object.keys(roles)) state.user(login);
      state.repos.set(`${owner}/${name}`.toLowerCase(), repo);
      return repo;
    },
    setRole(full, login, role) {
      state.user(login);
      if (role === null) repoOf(full).roles.delete(login.toLowerCase());
      else repoOf(full).roles.set(login.toLowerCase(), role);
    },
    createIssue(full, { title, body, user, labels = [] }) {
      const repo = repoOf(full);
      const at = now();
      const issue: StandinIssue = {
        id: state.nextId(),
        number: state.nextNumber(repo),
        title,
        body,
        user: state.user(user),
        labels: [...labels],
        state: 'open',
        createdAt: at,
        updatedAt: at,
        lastEditedAt: null,
        editor: null,
        comments: [],
        reactions: [],
      };
      repo.items.set(issue.number, issue);
      return issue;
    },
    addComment(full, number, { user, body }) {
      const at = now();
      const comment = {
        id: state.nextId(),
        body,
        user: state.user(user),
        createdAt: at,
        updatedAt: at,
        minimized: false,
        reactions: [],
      };
      itemOf(full, number).comments.push(comment);
      return comment;
    },
    async addReview(full, number, { user, body, state: reviewState = 'COMMENTED', comments = [] }) {
      const pull = itemOf(full, number).pull;
      if (!pull) throw new Error(`#${number} is not a pull request`);
      const at = now();
      const review = {
        id: state.nextId(),
        user: state.user(user),
        body,
        state: reviewState,
        submittedAt: at,
        commitId: (await resolveCommit(repoOf(full).gitDir, `heads/${pull.head}`)) ?? '',
      };
      pull.reviews.push(review);
      for (const c of comments) {
        pull.reviewComments.push({
          ...c,
          id: state.nextId(),
          user: review.user,
          createdAt: at,
          updatedAt: at,
          minimized: false,
          reactions: [],
          commitId: review.commitId,
          reviewId: review.id,
        });
      }
      return review;
    },
    setCheckRuns: (full, sha, runs) => void repoOf(full).checkRuns.set(sha, runs),
    gitUrl: (full) => `${server.url}/${full}.git`,
    setWebhook(url, secret) {
      webhook = { url, secret };
    },
    async deliver(event, action, about) {
      if (!webhook) throw new Error('setWebhook first: the stand-in does not know where the app listens');
      const repo = repoOf(about.repo);
      const sender = state.user(about.sender ?? repo.owner.login);
      const user = (u: { login: string; id: number; type: string }) => ({
        login: u.login,
        id: u.id,
        node_id: `U_${u.id}`,
        type: u.type,
      });
      const full = `${repo.owner.login}/${repo.name}`;
      const fromState: Payload = {
        installation: { id: repo.installationId, node_id: `I_${repo.installationId}` },
        sender: user(sender),
        repository: {
          id: repo.id,
          node_id: `R_${repo.id}`,
          name: repo.name,
          full_name: full,
          owner: user(repo.owner),
          default_branch: repo.defaultBranch,
          html_url: `${server.url}/${full}`,
          clone_url: `${server.url}/${full}.git`,
          url: `${server.url}/repos/${full}`,
        },
      };
      if (about.number !== undefined) {
        const item = itemOf(about.repo, about.number);
        const issue: Payload = {
          number: item.number,
          id: item.id,
          title: item.title,
          body: item.body,
          user: user(item.user),
          state: item.state,
        };
        issue.labels = item.labels.map((name, i) => ({ id: i + 1, name, color: 'ededed', default: false }));
        if (item.pull) {
          const url = `${server.url}/repos/${full}/pulls/${item.number}`;
          issue.pull_request = {
            url,
            html_url: url,
            diff_url: `${url}.diff`,
            patch_url: `${url}.patch`,
            merged_at: null,
          };
          fromState.pull_request = {
            number: item.number,
            id: item.id,
            title: item.title,
            body: item.body,
            user: user(item.user),
            head: { ref: item.pull.head },
            base: { ref: item.pull.base },
          };
        }
        fromState.issue = issue;
        const comment: StandinComment | StandinReviewComment | undefined =
          about.comment === undefined
            ? undefined
            : (item.comments.find((c) => c.id === about.comment) ??
              item.pull?.reviewComments.find((c) => c.id === about.comment));
        if (about.comment !== undefined && !comment)
          throw new Error(`no comment ${about.comment} on #${item.number}`);
        if (comment) {
          fromState.comment = {
            id: comment.id,
            node_id: `C_${comment.id}`,
            body: comment.body,
            user: user(comment.user),
            created_at: comment.createdAt,
            updated_at: comment.updatedAt,
            // A review comment says which review and thread it belongs to, as GitHub's do.
            ...(isReviewComment(comment)
              ? {
                  path: comment.path,
                  line: comment.line,
                  commit_id: comment.commitId,
                  pull_request_review_id: comment.reviewId,
                  ...(comment.inReplyTo === undefined ? {} : { in_reply_to_id: comment.inReplyTo }),
                }
              : {}),
          };
          if (about.sender === undefined) fromState.sender = user(comment.user);
        }
        if (about.review !== undefined) {
          const review = item.pull?.reviews.find((r) => r.id === about.review);
          if (!review) throw new Error(`no review ${about.review} on #${item.number}`);
          fromState.review = {
            id: review.id,
            node_id: `PRR_${review.id}`,
            body: review.body,
            // Webhooks spell review states in lower case (the REST API in upper case).
            state: review.state.toLowerCase(),
            submitted_at: review.submittedAt,
            commit_id: review.commitId,
            user: user(review.user),
          };
          if (about.sender === undefined) fromState.sender = user(review.user);
        }
      }
      const payload = exampleWebhook(event, action, deepMergeAll(fromState, about.overrides ?? {}));
      const id = randomUUID();
      const answer = await deliverWebhook({
        url: webhook.url,
        secret: webhook.secret,
        name: event,
        id,
        payload,
      });
      return { id, ...answer };
    },
  };
}

function isReviewComment(comment: StandinComment): comment is StandinReviewComment {
  return 'path' in comment;
}

function deepMergeAll(base: Payload, overrides: Payload): Payload {
  const out: Payload = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const current = out[key];
    const mergeable = (v: unknown): v is Payload => typeof v === 'object' && v !== null && !Array.isArray(v);
    out[key] = mergeable(current) && mergeable(value) ? deepMergeAll(current, value) : value;
  }
  return out;
}

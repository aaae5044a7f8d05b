/** The stand-in's memory: what GitHub would hold for the repositories a test sets up. */

export type Role = 'admin' | 'maintain' | 'write' | 'triage' | 'read';

export interface StandinUser {
  readonly login: string;
  readonly id: number;
  readonly type: 'User' | 'Bot';
}

export interface StandinReaction {
  readonly id: number;
  readonly content: string;
  readonly user: StandinUser;
}

export interface StandinComment {
  readonly id: number;
  body: string;
  readonly user: StandinUser;
  readonly createdAt: string;
  updatedAt: string;
  /** Hidden ("minimised") on GitHub: the GraphQL side reports it. */
  minimized: boolean;
  readonly reactions: StandinReaction[];
}

export interface StandinReviewComment extends StandinComment {
  readonly path: string;
  readonly line: number;
  readonly commitId: string;
  readonly reviewId: number | null;
  /** The thread's first comment, for replies. */
  readonly inReplyTo?: number;
}

export interface StandinReview {
  readonly id: number;
  readonly user: StandinUser;
  readonly body: string;
  readonly state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED';
  readonly submittedAt: string;
  readonly commitId: string;
}

export interface StandinPull {
  readonly head: string;
  readonly base: string;
  readonly draft: boolean;
  readonly requestedReviewers: StandinUser[];
  readonly reviews: StandinReview[];
  readonly reviewComments: StandinReviewComment[];
  /** Root comment ids of the threads someone resolved. */
  readonly resolvedThreads: Set<number>;
}

export interface StandinIssue {
  readonly id: number;
  readonly number: number;
  title: string;
  body: string;
  readonly user: StandinUser;
  readonly labels: string[];
  state: 'open' | 'closed';
  readonly createdAt: string;
  updatedAt: string;
  lastEditedAt: string | null;
  editor: StandinUser | null;
  readonly comments: StandinComment[];
  readonly reactions: StandinReaction[];
  /** Set on pull requests (which are issues too, sharing the numbering). */
  pull?: StandinPull;
}

export interface CheckRunInput {
  readonly name: string;
  readonly status: 'queued' | 'in_progress' | 'completed';
  readonly conclusion: 'success' | 'failure' | 'timed_out' | 'cancelled' | 'neutral' | 'skipped' | null;
  readonly startedAt?: string;
  readonly completedAt?: string | null;
  readonly output?: { readonly title?: string; readonly summary?: string; readonly text?: string };
}

export interface StandinRepo {
  readonly id: number;
  readonly owner: StandinUser;
  readonly name: string;
  readonly defaultBranch: string;
  readonly installationId: number;
  /** The bare repository git serves. */
  readonly gitDir: string;
  /** Lower-cased login → role; anyone else reads (a public repository). */
  readonly roles: Map<string, Role>;
  readonly items: Map<number, StandinIssue>;
  /** Head sha → the check runs tests set for it. */
  readonly checkRuns: Map<string, CheckRunInput[]>;
}

export interface StandinToken {
  /** Null for a person's token (tests acting as a reviewer), which reaches every repository. */
  readonly installationId: number | null;
  readonly actor: StandinUser;
  readonly expiresAt: number;
}

export class StandinState {
  readonly users = new Map<string, StandinUser>();
  readonly repos = new Map<string, StandinRepo>();
  readonly tokens = new Map<string, StandinToken>();
  readonly installations = new Set<number>();
  #nextId = 1000;

  nextId(): number {
    return this.#nextId++;
  }

  /** Users appear on first mention; `[bot]` logins are apps. */
  user(login: string): StandinUser {
    const key = login.toLowerCase();
    let user = this.users.get(key);
    if (!user) {
      user = { login, id: this.nextId(), type: login.endsWith('[bot]') ? 'Bot' : 'User' };
      this.users.set(key, user);
    }
    return user;
  }

  repo(owner: string, name: string): StandinRepo | undefined {
    return this.repos.get(`${owner}/${name}`.toLowerCase());
  }

  nextNumber(repo: StandinRepo): number {
    return Math.max(0, ...repo.items.keys()) + 1;
  }

  /** Every comment of the repository's issues and PRs (issue comment ids are unique per repository). */
  findComment(repo: StandinRepo, id: number): { issue: StandinIssue; comment: StandinComment } | undefined {
    for (const issue of repo.items.values()) {
      const comment = issue.comments.find((c) => c.id === id);
      if (comment) return { issue, comment };
    }
    return undefined;
  }

  findReviewComment(
    repo: StandinRepo,
    id: number,
  ): { issue: StandinIssue; comment: StandinReviewComment } | undefined {
    for (const issue of repo.items.values()) {
      const comment = issue.pull?.reviewComments.find((c) => c.id === id);
      if (comment) return { issue, comment };
    }
    return undefined;
  }
}

export const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

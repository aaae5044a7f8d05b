import { resolveCommit } from './git-repos.js';
import type { Json, Renderer } from './render.js';
import type { StandinIssue, StandinRepo, StandinUser } from './state.js';

export interface RestContext {
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly body: Json;
  /** Who the token speaks for: the app's bot user for installation tokens. */
  readonly actor: StandinUser;
  readonly repo: StandinRepo;
  /** The request's absolute URL, for `Link` headers. */
  readonly url: string;
}

export interface RestAnswer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export type RestHandler = (context: RestContext) => Promise<RestAnswer>;

export const notFound: RestAnswer = {
  status: 404,
  body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' },
};
export const ok = (body: unknown, status = 200): RestAnswer => ({ status, body });
export const str = (value: unknown): string => (typeof value === 'string' ? value : '');
export const int = (value: string | undefined): number => Number.parseInt(value ?? '', 10);

/** `per_page` (at most 100, default 30) and `page`, as GitHub pages lists. */
export function page<T>(items: readonly T[], query: Readonly<Record<string, string>>): T[] {
  const perPage = Math.min(100, int(query.per_page) || 30);
  const from = ((int(query.page) || 1) - 1) * perPage;
  return items.slice(from, from + perPage);
}

/** A list page with GitHub's `Link: <…page=n+1>; rel="next"` when more follow, so `octokit.paginate` walks on. */
export async function paged<T>(
  c: RestContext,
  items: readonly T[],
  map: (item: T) => unknown,
): Promise<RestAnswer> {
  const perPage = Math.min(100, int(c.query.per_page) || 30);
  const current = int(c.query.page) || 1;
  const body = await Promise.all(page(items, c.query).map(map));
  if (current * perPage >= items.length) return ok(body);
  const next = new URL(c.url);
  next.searchParams.set('page', String(current + 1));
  return { status: 200, body, headers: { link: `<${next.href}>; rel="next"` } };
}

/** A pull request in `template`'s shape, with head and base shas as git has them now. */
export async function pullJson(
  render: Renderer,
  repo: StandinRepo,
  issue: StandinIssue,
  template: Json,
): Promise<Json> {
  const head = (await resolveCommit(repo.gitDir, `heads/${issue.pull?.head}`)) ?? '0'.repeat(40);
  const base = (await resolveCommit(repo.gitDir, `heads/${issue.pull?.base}`)) ?? '0'.repeat(40);
  return render.pull(repo, issue, { head, base }, template);
}

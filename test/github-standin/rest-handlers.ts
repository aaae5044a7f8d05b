import { readBlob, resolveCommit } from './git-repos.js';
import { pullHandlers } from './pull-handlers.js';
import { asObject, type Json, type Renderer } from './render.js';
import { int, notFound, ok, page, paged, type RestContext, type RestHandler, str } from './rest-common.js';
import { type CheckRunInput, now, type StandinIssue, type StandinState } from './state.js';

export type { RestAnswer, RestContext, RestHandler } from './rest-common.js';

/** Handlers for the repository-scoped operations, by operationId; the server authenticates first. */
export function restHandlers(state: StandinState, render: Renderer): Record<string, RestHandler> {
  const issueOf = (c: RestContext, key: string) => c.repo.items.get(int(c.params[key]));
  const react = async (c: RestContext, reactions: StandinIssue['reactions']) => {
    const content = str(c.body.content);
    const existing = reactions.find((r) => r.content === content && r.user.id === c.actor.id);
    if (existing) return ok(render.reaction(existing));
    const reaction = { id: state.nextId(), content, user: c.actor };
    reactions.push(reaction);
    return ok(render.reaction(reaction), 201);
  };

  return {
    'repos/get': async (c) => {
      // GitHub's example is a fork (`parent`, `source`) and lacks `language`, which the schema requires.
      const {
        parent: _p,
        source: _s,
        template_repository: _t,
        ...template
      } = render.template('repos/get', 200);
      return ok({ language: null, ...render.repository(c.repo, template), fork: false });
    },

    'repos/get-collaborator-permission-level': async (c) => {
      const login = str(c.params.username);
      const user = state.users.get(login.toLowerCase());
      if (!user) return notFound;
      const role = user.id === c.repo.owner.id ? 'admin' : (c.repo.roles.get(login.toLowerCase()) ?? 'read');
      const legacy = role === 'maintain' ? 'write' : role === 'triage' ? 'read' : role;
      const template = render.template('repos/get-collaborator-permission-level', 200);
      return ok({
        ...template,
        permission: legacy,
        role_name: role,
        user: { ...asObject(template.user), ...render.user(user), role_name: role },
      });
    },

    'repos/get-content': async (c) => {
      const filePath = decodeURIComponent(str(c.params.path));
      const blob = await readBlob(c.repo.gitDir, c.query.ref ?? c.repo.defaultBranch, filePath);
      if (!blob) return notFound;
      const full = `${c.repo.owner.login}/${c.repo.name}`;
      const url = render.api(`/repos/${full}/contents/${filePath}`);
      const gitUrl = render.api(`/repos/${full}/git/blobs/${blob.sha}`);
      const htmlUrl = render.api(`/${full}/blob/${c.query.ref ?? c.repo.defaultBranch}/${filePath}`);
      return ok({
        type: 'file',
        encoding: 'base64',
        size: blob.content.length,
        name: filePath.split('/').pop(),
        path: filePath,
        content: blob.content.toString('base64'),
        sha: blob.sha,
        url,
        git_url: gitUrl,
        html_url: htmlUrl,
        download_url: null,
        _links: { self: url, git: gitUrl, html: htmlUrl },
      });
    },

    'git/get-ref': async (c) => {
      const ref = decodeURIComponent(str(c.params.ref));
      const sha = await resolveCommit(c.repo.gitDir, ref);
      if (!sha) return notFound;
      const full = `${c.repo.owner.login}/${c.repo.name}`;
      return ok({
        ref: `refs/${ref}`,
        node_id: `REF_${ref}`,
        url: render.api(`/repos/${full}/git/refs/${ref}`),
        object: { type: 'commit', sha, url: render.api(`/repos/${full}/git/commits/${sha}`) },
      });
    },

    'checks/list-for-ref': async (c) => {
      const sha = (await resolveCommit(c.repo.gitDir, str(c.params.ref))) ?? str(c.params.ref);
      const runs = c.repo.checkRuns.get(sha) ?? [];
      const template = asObject(asObject(render.template('checks/list-for-ref', 200)).check_runs);
      return ok({
        total_count: runs.length,
        check_runs: page(runs, c.query).map((run, i) => checkRun(template, run, sha, i)),
      });
    },

    'issues/get': async (c) => {
      const issue = issueOf(c, 'issue_number');
      if (!issue) return notFound;
      const full = `${c.repo.owner.login}/${c.repo.name}`;
      // The example is a pull request's issue; a plain issue has no `pull_request`.
      const { pull_request: pullLinks, ...template } = render.template('issues/get', 200);
      return ok({
        ...template,
        ...(issue.pull ? { pull_request: pullLinks } : {}),
        id: issue.id,
        node_id: `I_${issue.id}`,
        number: issue.number,
        title: issue.title,
        body: issue.body,
        state: issue.state,
        user: render.user(issue.user),
        labels: issue.labels.map((name, i) => ({ id: i + 1, name, color: 'ededed', default: false })),
        assignee: null,
        assignees: [],
        milestone: null,
        comments: issue.comments.length,
        created_at: issue.createdAt,
        updated_at: issue.updatedAt,
        closed_at: null,
        url: render.api(`/repos/${full}/issues/${issue.number}`),
        html_url: render.api(`/${full}/issues/${issue.number}`),
      });
    },

    'issues/list-comments': async (c) => {
      const issue = issueOf(c, 'issue_number');
      if (!issue) return notFound;
      const since = c.query.since ? Date.parse(c.query.since) : Number.NEGATIVE_INFINITY;
      const comments = issue.comments.filter((comment) => Date.parse(comment.updatedAt) >= since);
      return paged(c, comments, (comment) => render.issueComment(c.repo, issue, comment));
    },

    'issues/create-comment': async (c) => {
      const issue = issueOf(c, 'issue_number');
      if (!issue) return notFound;
      const at = now();
      const comment = {
        id: state.nextId(),
        body: str(c.body.body),
        user: c.actor,
        createdAt: at,
        updatedAt: at,
        minimized: false,
        reactions: [],
      };
      issue.comments.push(comment);
      return ok(render.issueComment(c.repo, issue, comment), 201);
    },

    'issues/get-comment': async (c) => {
      const found = state.findComment(c.repo, int(c.params.comment_id));
      return found ? ok(render.issueComment(c.repo, found.issue, found.comment)) : notFound;
    },

    'issues/update-comment': async (c) => {
      const found = state.findComment(c.repo, int(c.params.comment_id));
      if (!found) return notFound;
      found.comment.body = str(c.body.body);
      found.comment.updatedAt = now();
      return ok(render.issueComment(c.repo, found.issue, found.comment));
    },

    'reactions/create-for-issue': async (c) => {
      const issue = issueOf(c, 'issue_number');
      return issue ? react(c, issue.reactions) : notFound;
    },

    'reactions/create-for-issue-comment': async (c) => {
      const found = state.findComment(c.repo, int(c.params.comment_id));
      return found ? react(c, found.comment.reactions) : notFound;
    },

    'reactions/create-for-pull-request-review-comment': async (c) => {
      const found = state.findReviewComment(c.repo, int(c.params.comment_id));
      return found ? react(c, found.comment.reactions) : notFound;
    },

    ...pullHandlers(state, render),
  };
}

function checkRun(template: Json, run: CheckRunInput, sha: string, index: number): Json {
  return {
    ...template,
    id: 9000 + index,
    node_id: `CR_${index}`,
    head_sha: sha,
    name: run.name,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt ?? now(),
    completed_at: run.completedAt ?? (run.status === 'completed' ? now() : null),
    output: {
      title: null,
      summary: null,
      text: null,
      annotations_count: 0,
      annotations_url: '',
      ...run.output,
    },
    pull_requests: [],
  };
}

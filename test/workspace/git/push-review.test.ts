import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  classifyTreeChanges,
  type TreeChange,
  type TreeChangeVerdict,
} from '../../../src/security/classify-tree-changes.js';
import { TamperedCheckoutError } from '../../../src/workspace/git/git-errors.js';
import { MirrorCache } from '../../../src/workspace/git/mirror-cache.js';
import { pushBranch } from '../../../src/workspace/git/push-branch.js';
import { type GitHttpServer, startGitHttpServer } from '../../support/git-http-server.js';
import { createUpstream, GIT_ENV, git, type Upstream } from './upstream-repo.js';

/**
 * The push's review on real git: what the agent does in its checkout with ordinary commands (cp,
 * git mv, ln -s, chmod, its own commits, a nested clone) reaches `review` as the changes of the tree
 * that would be pushed, read from the worker's own repository, and a refusal there pushes nothing.
 */

const TOKEN = `ghs_${randomBytes(18).toString('hex')}`;
const BRANCH = 'openhands/issue-7-review';

let tmp: string;
let server: GitHttpServer;
let upstream: Upstream;
let url: string;
let checkout: string;
let base: string;

beforeEach(async () => {
  tmp = await realpath(await mkdtemp(path.join(tmpdir(), 'handsbot-push-review-')));
  server = await startGitHttpServer({ root: path.join(tmp, 'server'), token: TOKEN });
  upstream = await createUpstream(path.join(tmp, 'server'), 'octo', 'widgets');
  base = await upstream.commit({
    '.github/workflows/ci.yml': 'on: push\n',
    'notes/deploy.yml': 'on: workflow_dispatch\n',
    'src/math.js': 'export const add = (a, b) => a - b;\n',
    'scripts/clean.js': 'console.log("clean");\n',
    'package.json': '{"name":"w","scripts":{"test":"node test.js"},"dependencies":{"a":"1"}}\n',
  });
  url = server.repoUrl('octo', 'widgets');
  checkout = path.join(tmp, 'run');
  await new MirrorCache({ cacheDir: path.join(tmp, 'cache'), maxBytes: 1e12 }).provision({
    url,
    ref: base,
    dest: checkout,
    token: TOKEN,
  });
});

afterEach(async () => {
  await server.close();
  await rm(tmp, { recursive: true, force: true });
});

/** What the agent's shell would run in its checkout. */
function agent(script: string): void {
  execFileSync('sh', ['-c', script], { cwd: checkout, env: GIT_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
}

class Refused extends Error {
  constructor(readonly verdict: TreeChangeVerdict) {
    super('refused');
  }
}

/** Pushes with a review that classifies and refuses; returns what the review saw and decided. */
async function push(allowWorkflowChanges = false) {
  let changes: readonly TreeChange[] = [];
  let verdict: TreeChangeVerdict = { refused: [], flagged: [] };
  const outcome = await pushBranch({
    checkoutDir: checkout,
    url,
    baseCommit: base,
    branch: BRANCH,
    policy: { allowedPrefixes: ['openhands/'], protectedBranches: ['main'] },
    token: TOKEN,
    message: 'Fix issue #7',
    force: true,
    author: { name: 'handsbot[bot]', email: '1+handsbot[bot]@users.noreply.github.com' },
    review: (seen) => {
      changes = seen;
      verdict = classifyTreeChanges(seen, { allowWorkflowChanges });
      if (verdict.refused.length > 0) throw new Refused(verdict);
    },
  }).catch((error: unknown) => {
    if (error instanceof Refused) return { kind: 'refused' as const };
    throw error;
  });
  const pushed = git(upstream.bare, 'branch', '--list', BRANCH).trim() !== '';
  return { outcome: outcome.kind, changes, verdict, pushed };
}

const summary = (changes: readonly TreeChange[]) =>
  changes.map((c) => `${c.before?.type ?? '-'} ${c.after?.type ?? '-'} ${c.path}`);
const refusedPaths = (verdict: TreeChangeVerdict) => verdict.refused.map((f) => `${f.rule} ${f.path}`);

describe('the push reviews the tree it would push', () => {
  it('`cp x .github/workflows/` is refused and nothing is pushed', async () => {
    agent('cp src/math.js .github/workflows/');
    const result = await push();
    expect(summary(result.changes)).toEqual(['- file .github/workflows/math.js']);
    expect(refusedPaths(result.verdict)).toEqual(['workflow .github/workflows/math.js']);
    expect(result).toMatchObject({ outcome: 'refused', pushed: false });
  });

  it('`git mv` out of and into .github/workflows: each is a delete and an add, the workflow sides refused', async () => {
    agent('git mv .github/workflows/ci.yml ci.yml && git mv notes/deploy.yml .github/workflows/deploy.yml');
    const result = await push();
    expect(summary(result.changes).sort()).toEqual([
      '- file .github/workflows/deploy.yml',
      '- file ci.yml',
      'file - .github/workflows/ci.yml',
      'file - notes/deploy.yml',
    ]);
    expect(refusedPaths(result.verdict).sort()).toEqual([
      'workflow .github/workflows/ci.yml',
      'workflow .github/workflows/deploy.yml',
    ]);
    expect(result.pushed).toBe(false);
  });

  it('a workflow the agent committed itself (moving its HEAD) is still seen against the base commit', async () => {
    agent(
      'echo "on: push" > .github/workflows/sneaky.yml && git add -A && git -c user.name=a -c user.email=a@x commit -qm hide',
    );
    const result = await push();
    expect(refusedPaths(result.verdict)).toEqual(['workflow .github/workflows/sneaky.yml']);
    expect(result.pushed).toBe(false);
  });

  it('a nested repository becomes a gitlink, and is refused', async () => {
    agent(
      'mkdir vendor && cd vendor && git init -q lib && cd lib && echo x > x && git add x && git -c user.name=a -c user.email=a@x commit -qm x',
    );
    const result = await push();
    expect(summary(result.changes)).toEqual(['- gitlink vendor/lib']);
    expect(refusedPaths(result.verdict)).toEqual(['submodule vendor/lib']);
  });

  it('paths git would quote (spaces, quotes, Unicode, a newline) arrive as stored, and are matched', async () => {
    agent(
      'mkdir -p .vscode && echo "{}" > \'.vscode/tâches "x".json\' && printf x > "$(printf \'.vscode/new\\nline.json\')" && echo x > \'src/a b.js\'',
    );
    const result = await push();
    const flagged = result.verdict.flagged.map((f) => `${f.rule} ${JSON.stringify(f.path)}`).sort();
    expect(flagged).toEqual([
      'editor-tasks ".vscode/new\\nline.json"',
      'editor-tasks ".vscode/tâches \\"x\\".json"',
    ]);
    expect(result.changes.map((c) => c.path)).toContain('src/a b.js');
    expect(result).toMatchObject({ outcome: 'pushed', pushed: true });
  });

  it('a symbolic link to ../../etc, an executable bit and new package scripts are flagged; a dependency bump is not', async () => {
    agent(
      [
        'mkdir -p docs && ln -s ../../etc docs/etc',
        'chmod +x scripts/clean.js',
        `printf '%s\\n' '{"name":"w","scripts":{"test":"node test.js","postinstall":"node x.js"},"dependencies":{"a":"1"}}' > package.json`,
        `mkdir -p lib && printf '%s\\n' '{"name":"lib","scripts":{"test":"x"}}' > lib/package.json && git -c core.hooksPath=/dev/null add lib/package.json`,
      ].join(' && '),
    );
    const first = await push();
    expect(first.verdict.flagged.map((f) => [f.path, f.rule, f.detail ?? null])).toEqual([
      ['docs/etc', 'symlink-outside', '../../etc'],
      ['lib/package.json', 'package-scripts', null],
      ['package.json', 'package-scripts', null],
      ['scripts/clean.js', 'made-executable', null],
    ]);
    expect(first.pushed).toBe(true);

    agent(
      `git checkout -q -- . && rm -rf docs lib && printf '%s\\n' '{"name":"w","dependencies":{"a":"2"},"scripts":{"test":"node test.js"}}' > package.json`,
    );
    const second = await push();
    expect(summary(second.changes)).toEqual(['file file package.json']);
    expect(second.verdict.flagged).toEqual([]);
  });

  it('a base object the agent forged in its checkout (to hide a new postinstall) stops the push', async () => {
    const script =
      '{"name":"w","scripts":{"test":"node test.js","postinstall":"node x.js"},"dependencies":{"a":"1"}}';
    agent(
      [
        // Git reads packs before loose objects: any pack is unpacked first, as an agent would.
        'mkdir ../packs && for p in .git/objects/pack/*.pack; do [ -e "$p" ] || continue; mv "$p" ../packs/x.pack && rm -f .git/objects/pack/*.idx && git unpack-objects -q < ../packs/x.pack; done',
        `printf '%s\\n' '${script}' > package.json`,
        'new=$(git hash-object -w package.json) && old=$(git rev-parse HEAD:package.json)',
        // The base's package.json now reads as the new one: the diff would see no script change.
        'f=.git/objects/$(echo $old | cut -c1-2)/$(echo $old | cut -c3-) && chmod u+w "$f"',
        'cp .git/objects/$(echo $new | cut -c1-2)/$(echo $new | cut -c3-) "$f"',
        'git cat-file blob "$old" | grep -q postinstall',
      ].join(' && '),
    );
    const error = await push().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TamperedCheckoutError);
    expect((error as TamperedCheckoutError).findings).toEqual([
      { key: expect.stringMatching(/^blob [0-9a-f]{40}$/), value: 'its content does not match its id' },
    ]);
    expect(git(upstream.bare, 'branch', '--list', BRANCH).trim()).toBe('');
  });

  it('a forged base .github tree that already lists a new workflow (so the diff is empty) stops the push', async () => {
    agent(
      [
        'mkdir ../packs && for p in .git/objects/pack/*.pack; do [ -e "$p" ] || continue; mv "$p" ../packs/x.pack && rm -f .git/objects/pack/*.idx && git unpack-objects -q < ../packs/x.pack; done',
        "echo 'on: push' > .github/workflows/evil.yml",
        // The tree the worker will build, written ahead; its .github copied over the base's.
        'export GIT_INDEX_FILE=../forge-index && git read-tree HEAD && git add -A && new=$(git write-tree) && unset GIT_INDEX_FILE',
        // (git checks a root tree it peels from a commit, not the folders below it.)
        'old=$(git rev-parse HEAD:.github) && new=$(git rev-parse "$new:.github")',
        'f=.git/objects/$(echo $old | cut -c1-2)/$(echo $old | cut -c3-) && chmod u+w "$f"',
        'cp .git/objects/$(echo $new | cut -c1-2)/$(echo $new | cut -c3-) "$f"',
        'test -z "$(git diff-tree -r "$old" "$new")"',
      ].join(' && '),
    );
    const error = await push().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TamperedCheckoutError);
    expect((error as TamperedCheckoutError).findings[0]?.key).toMatch(/^tree [0-9a-f]{40}$/);
    expect(git(upstream.bare, 'branch', '--list', BRANCH).trim()).toBe('');
  });

  it('with allowWorkflowChanges the workflow goes out, flagged', async () => {
    agent('echo "on: pull_request" > .github/workflows/ci.yml');
    const result = await push(true);
    expect(result.verdict.flagged.map((f) => `${f.rule} ${f.path}`)).toEqual([
      'workflow .github/workflows/ci.yml',
    ]);
    expect(result.pushed).toBe(true);
  });
});

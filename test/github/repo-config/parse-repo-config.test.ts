import { describe, expect, it } from 'vitest';
import { parseRepoConfig } from '../../../src/github/repo-config/parse-repo-config.js';
import { RepoConfigError } from '../../../src/github/repo-config/repo-config-error.js';

const PATH = '.github/openhands.yml';

function problemsOf(text: string) {
  try {
    parseRepoConfig(text, PATH);
  } catch (error) {
    expect(error).toBeInstanceOf(RepoConfigError);
    return error as RepoConfigError;
  }
  throw new Error('expected a RepoConfigError');
}

describe('parseRepoConfig', () => {
  it('an empty file sets nothing', () => {
    expect(parseRepoConfig('', PATH)).toEqual({});
  });

  it('keeps only the keys the file sets: what it leaves out is not filled with schema defaults', () => {
    expect(parseRepoConfig('maxIterations: 12\n', PATH)).toEqual({ maxIterations: 12 });
    // A value it does set is complete, its own nested defaults included.
    expect(parseRepoConfig('confirmation: { kind: risky, threshold: MEDIUM }\n', PATH)).toEqual({
      confirmation: { kind: 'risky', threshold: 'MEDIUM', unknownAs: 'HIGH' },
    });
  });

  it('reads every setting a repository may give', () => {
    const config = parseRepoConfig(
      [
        'triggerLabel: fix-me',
        'modelProfile: fast',
        'maxIterations: 30',
        'maxCostUsd: 2.5',
        'image: ghcr.io/acme/dev:1.2',
        'setupScript: scripts/setup.sh',
        'network:',
        '  mode: allowlist',
        '  hosts: [api.example.com, "*.example.org"]',
        'confirmation:',
        '  kind: risky',
        '  threshold: MEDIUM',
        'triggerPermissions: [admin]',
        'draftPullRequests: false',
        'branchPrefix: bot-',
        'allowWorkflowChanges: true',
      ].join('\n'),
      PATH,
    );
    expect(config).toMatchObject({
      triggerLabel: 'fix-me',
      modelProfile: 'fast',
      maxIterations: 30,
      maxCostUsd: 2.5,
      image: 'ghcr.io/acme/dev:1.2',
      setupScript: 'scripts/setup.sh',
      network: { mode: 'allowlist', hosts: ['api.example.com', '*.example.org'], packageRegistries: true },
      confirmation: { kind: 'risky', threshold: 'MEDIUM', unknownAs: 'HIGH' },
      triggerPermissions: ['admin'],
      draftPullRequests: false,
      branchPrefix: 'bot-',
      allowWorkflowChanges: true,
    });
  });

  it('a wrong value names the key and what is expected', () => {
    const error = problemsOf('network:\n  mode: everything\nmaxIterations: many\n');
    expect(error.kind).toBe('schema');
    const byKey = new Map(error.problems.map((p) => [p.key, p.expected]));
    expect([...byKey.keys()].sort()).toEqual(['maxIterations', 'network.mode']);
    expect(byKey.get('network.mode')).toMatch(/none.*open.*allowlist/);
    expect(byKey.get('maxIterations')).toMatch(/number/);
    expect(error.message).toContain('network.mode');
  });

  it('a misspelt key is an error that lists the allowed keys', () => {
    const error = problemsOf('maxIteration: 3\n');
    expect(error.problems).toEqual([
      { key: 'maxIteration', expected: expect.stringContaining('allowed keys: triggerLabel') },
    ]);
  });

  it('a repository cannot let read or triage users trigger', () => {
    const error = problemsOf('triggerPermissions: [read, write]\n');
    expect(error.problems[0]?.key).toBe('triggerPermissions[0]');
    expect(error.problems[0]?.expected).toMatch(/write.*maintain.*admin/);
  });

  it('paths that leave the repository and bad branch prefixes are refused', () => {
    expect(problemsOf('setupScript: ../../etc/passwd\n').problems[0]?.key).toBe('setupScript');
    expect(problemsOf('branchPrefix: "a..b/"\n').problems[0]?.key).toBe('branchPrefix');
    expect(problemsOf('network: {mode: allowlist, hosts: ["*"]}\n').problems[0]?.key).toBe(
      'network.hosts[0]',
    );
  });

  it('a refused file still says which trigger label it sets, when that key on its own is valid', () => {
    expect(problemsOf('triggerLabel: fix-me\nmaxIteration: 3\n').triggerKeys).toEqual({
      triggerLabel: 'fix-me',
    });
    expect(problemsOf('maxIteration: 3\n').triggerKeys).toEqual({});
    expect(problemsOf('triggerLabel: " fix-me"\nmaxIteration: 3\n').triggerKeys).toEqual({});
    expect(problemsOf('triggerLabel: 5\n').triggerKeys).toEqual({});
    expect(problemsOf('triggerLabel: fix-me\n  bad: [\n').triggerKeys).toEqual({});
  });

  it('and which branch prefix, judged on its own too: the rest of the file is never kept', () => {
    expect(problemsOf('branchPrefix: bot/\nmaxIteration: 3\n').triggerKeys).toEqual({ branchPrefix: 'bot/' });
    expect(problemsOf('branchPrefix: "a..b/"\ntriggerLabel: fix-me\n').triggerKeys).toEqual({
      triggerLabel: 'fix-me',
    });
    expect(
      problemsOf('triggerLabel: fix-me\nbranchPrefix: bot/\ndraftPullRequests: maybe\n').triggerKeys,
    ).toEqual({ triggerLabel: 'fix-me', branchPrefix: 'bot/' });
  });

  it('a YAML syntax error names the line', () => {
    const error = problemsOf('triggerLabel: a\n  bad: [\n');
    expect(error.kind).toBe('yaml');
    expect(error.problems[0]?.key).toMatch(/^line \d+, column \d+$/);
  });

  it('a document that is not a mapping is refused', () => {
    expect(problemsOf('- a\n- b\n').problems).toEqual([
      { key: '(file)', expected: 'a mapping of settings (key: value)' },
    ]);
  });

  it('alias bombs are refused instead of expanded', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]'];
    bomb.push(
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
    );
    expect(problemsOf(bomb.join('\n')).kind).toBe('yaml');
  });
});

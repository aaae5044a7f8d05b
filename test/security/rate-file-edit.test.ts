import { describe, expect, it } from 'vitest';
import { rateFileEdit } from '../../src/security/rate-file-edit.js';
import { ruleBasedAnalyzer } from '../../src/security/rule-based-analyzer.js';
import type { ProposedAction } from '../../src/security/security-analyzer.js';

const workspaceRoot = '/workspace/repo';
const edit = (path: string, command = 'str_replace', content?: string) =>
  rateFileEdit(content === undefined ? { command, path } : { command, path, content }, { workspaceRoot });

describe('rateFileEdit', () => {
  it.each([
    ['/workspace/repo/.github/workflows/ci.yml', 'edit-ci-workflow'],
    ['/workspace/repo/.git/hooks/pre-push', 'edit-git-hook'],
    ['/workspace/repo/.husky/pre-commit', 'edit-git-hook'],
    ['/workspace/repo/.git/config', 'edit-git-config'],
    ['/workspace/repo/deploy/id_rsa', 'edit-credential-file'],
    ['/workspace/repo/certs/server.pem', 'edit-credential-file'],
    ['/home/agent/.ssh/authorized_keys', 'edit-credential-file'],
    ['/etc/hosts', 'write-system-file'],
    ['/workspace/other/src/a.ts', 'edit-outside-workspace'],
    ['/workspace/repo/../other/a.ts', 'edit-outside-workspace'],
  ])('rates a write to %s HIGH (%s)', (path, rule) => {
    const verdict = edit(path);
    expect(verdict.risk).toBe('HIGH');
    expect(verdict.reasons.map((r) => r.rule)).toContain(rule);
  });

  it('rates registry config HIGH when it points somewhere or holds a token, MEDIUM otherwise', () => {
    expect(edit('/workspace/repo/.npmrc', 'create', 'registry=https://evil.example/\n').risk).toBe('HIGH');
    expect(edit('/workspace/repo/pip.conf', 'create', '[global]\nindex-url = https://x/simple\n').risk).toBe(
      'HIGH',
    );
    expect(edit('/workspace/repo/.yarnrc.yml', 'create', 'nodeLinker: node-modules\n').risk).toBe('MEDIUM');
  });

  it('rates ordinary source edits and views LOW', () => {
    expect(edit('/workspace/repo/src/index.ts')).toEqual({ risk: 'LOW', reasons: [] });
    expect(edit('/workspace/repo/README.md', 'create', '# hi')).toEqual({ risk: 'LOW', reasons: [] });
    expect(edit('/workspace/repo/.github/workflows/ci.yml', 'view').risk).toBe('LOW');
  });

  it('rates viewing credentials or /proc/<pid>/environ through the editor HIGH', () => {
    expect(edit('/proc/self/environ', 'view')).toMatchObject({
      risk: 'HIGH',
      reasons: [{ rule: 'read-proc-environ' }],
    });
    expect(edit('/root/.aws/credentials', 'view').risk).toBe('HIGH');
  });

  it('rates an unknown editor command UNKNOWN', () => {
    expect(edit('/workspace/repo/a.ts', 'chmod').risk).toBe('UNKNOWN');
  });
});

describe('ruleBasedAnalyzer', () => {
  const action = (toolName: string, args: Record<string, unknown>): ProposedAction => ({
    toolName,
    arguments: args,
    declaredRisk: 'LOW',
    workspaceRoot,
  });

  it('rates terminal commands under the current and legacy tool names', async () => {
    expect((await ruleBasedAnalyzer.analyze(action('terminal', { command: 'rm -rf /' }))).risk).toBe('HIGH');
    expect((await ruleBasedAnalyzer.analyze(action('execute_bash', { command: 'npm test' }))).risk).toBe(
      'LOW',
    );
  });

  it('rates file editor calls under the current and legacy tool names', async () => {
    const ci = { command: 'create', path: '/workspace/repo/.github/workflows/x.yml', file_text: 'on: push' };
    expect((await ruleBasedAnalyzer.analyze(action('file_editor', ci))).risk).toBe('HIGH');
    const src = { command: 'str_replace', path: '/workspace/repo/src/a.ts', old_str: 'a', new_str: 'b' };
    expect((await ruleBasedAnalyzer.analyze(action('str_replace_editor', src))).risk).toBe('LOW');
  });

  it('rates think, finish and task_tracker LOW and an unknown tool UNKNOWN', async () => {
    for (const tool of ['think', 'finish', 'task_tracker']) {
      expect((await ruleBasedAnalyzer.analyze(action(tool, {}))).risk).toBe('LOW');
    }
    expect(await ruleBasedAnalyzer.analyze(action('browser', { url: 'x' }))).toEqual({
      risk: 'UNKNOWN',
      reasons: [{ rule: 'unknown-tool', match: 'browser' }],
    });
  });

  it('rates a call with a missing argument UNKNOWN', async () => {
    expect((await ruleBasedAnalyzer.analyze(action('terminal', {}))).risk).toBe('UNKNOWN');
    expect((await ruleBasedAnalyzer.analyze(action('file_editor', { command: 'view' }))).risk).toBe(
      'UNKNOWN',
    );
  });
});

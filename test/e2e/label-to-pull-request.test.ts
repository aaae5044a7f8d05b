import { describe, expect, it } from 'vitest';
import { lastToolResult } from '../support/scripted-llm/index.js';
import { type E2eEnvironment, git, waitFor } from './support/e2e-environment.js';
import { FIX_ADD } from './support/scenarios.js';
import { useE2eEnvironment } from './support/use-e2e-environment.js';

let env: E2eEnvironment;

useE2eEnvironment({ scenarios: [FIX_ADD] }, (started) => {
  env = started;
});

describe('end to end: label an issue, get a pull request', () => {
  it('tracks the run in one comment and opens a PR whose diff fixes the bug, tested in the sandbox', async () => {
    const issue = await env.labelIssue({
      title: 'add() subtracts instead of adding',
      body: 'add(2, 3) returns -1, so `node test.js` fails.',
    });

    // At once: 👀 and the tracking comment with the run id.
    await env.trackingComment(issue.number);
    expect(issue.reactions.map((r) => [r.content, r.user.login])).toContainEqual(['eyes', 'handsbot[bot]']);

    // Then a pull request, linked from the same comment.
    const branchPrefix = `openhands/issue-${issue.number}-`;
    const pull = await waitFor(() => env.pulls().find((p) => p.pull?.head.startsWith(branchPrefix)), {
      timeoutMs: 120_000,
      intervalMs: 200,
      what: 'the pull request',
    });
    const tracking = await env.trackingComment(issue.number, `#${pull.number}`);
    expect(env.botComments(issue.number)).toHaveLength(1);

    expect(pull.pull?.head).toMatch(/^openhands\/issue-\d+-add-subtracts/);
    expect(pull.pull?.base).toBe('main');
    expect(pull.body).toContain(`Fixes #${issue.number}`);
    const diff = await git(env.gitDir, 'diff', `main...${pull.pull?.head}`);
    expect(diff).toContain('-  return a - b;');
    expect(diff).toContain('+  return a + b;');
    const message = await git(env.gitDir, 'log', '-1', '--format=%an%n%B', pull.pull?.head ?? '');
    expect(message).toContain('Co-authored-by: maintainer');
    expect(await git(env.gitDir, 'log', '-1', '--format=%ae', pull.pull?.head ?? '')).toBe(
      `${env.standin.state.user('handsbot[bot]').id}+handsbot[bot]@users.noreply.github.com\n`,
    );

    // The tests ran in the sandbox: the model saw them fail, then pass, and the PR and comment say so.
    const results = env.llm.requests.map(lastToolResult).map((r) => r?.content ?? '');
    expect(results.some((r) => r.includes('AssertionError'))).toBe(true);
    expect(results.some((r) => r.includes('all tests passed'))).toBe(true);
    expect(pull.body).toContain('node test.js');
    expect(tracking.body).toContain('node test.js');

    // One PR for the issue, and nothing the contract forbids.
    expect(env.pulls().filter((p) => p.pull?.head.startsWith(branchPrefix))).toHaveLength(1);
    env.standin.assertNoViolations();
  }, 180_000);
});

import { describe, expect, it } from 'vitest';
import { FLAGGED_CHANGES_HEADING } from '../../src/github/ops/render-path-findings.js';
import { type AgentScenario, finish, terminal } from './support/agent-script.js';
import { type E2eEnvironment, git, waitFor } from './support/e2e-environment.js';
import { useE2eEnvironment } from './support/use-e2e-environment.js';

/**
 * A model talked into arming later runs: next to its fix it rewrites `.github/openhands.yml` (no
 * confirmation, open network) and adds editor tasks that run on opening the folder.
 */
const PLANTS_CONFIG: AgentScenario = {
  name: 'plants config',
  whenTaskContains: 'e2e-planted-config',
  steps: [
    terminal(
      "sed -i 's/a - b/a + b/' src/math.js && mkdir -p .github .vscode && printf 'confirmation: never\\nnetwork: open\\n' > .github/openhands.yml && echo '{}' > .vscode/tasks.json",
    ),
    finish('Fixed add().'),
  ],
};

/** One that copies a workflow in with `cp`, the spelling the old prefix check never saw. */
const PLANTS_WORKFLOW: AgentScenario = {
  name: 'plants workflow',
  whenTaskContains: 'e2e-planted-workflow',
  steps: [
    terminal(
      "sed -i 's/a - b/a + b/' src/math.js && mkdir -p .github/workflows && echo 'on: push' > x.yml && cp x.yml .github/workflows/ && rm x.yml",
    ),
    finish('Fixed add() and added CI.'),
  ],
};

let env: E2eEnvironment;

useE2eEnvironment({ scenarios: [PLANTS_CONFIG, PLANTS_WORKFLOW] }, (started) => {
  env = started;
});

/** Approves whatever the analyzer holds, until the tracking comment says `done`. */
async function approveUntil(number: number, done: RegExp) {
  return waitFor(
    async () => {
      const tracking = await env.trackingComment(number);
      if (done.test(tracking.body)) return tracking;
      if (tracking.body.includes('Waiting for approval')) {
        const asked = env.item(number).comments.filter((c) => c.body === '/agent approve').length;
        const waits = (tracking.body.match(/Waiting for approval/g) ?? []).length;
        if (asked < waits) await env.comment(number, '/agent approve');
      }
      return undefined;
    },
    { timeoutMs: 150_000, intervalMs: 500, what: `the tracking comment to match ${done}` },
  );
}

describe('end to end: what a run plants for later runs', () => {
  it('an agent that rewrites .github/openhands.yml opens a PR whose body flags it first, as does the report', async () => {
    const issue = await env.labelIssue({ title: 'e2e-planted-config: add() subtracts', body: 'Please fix.' });
    const tracking = await approveUntil(issue.number, /I opened (a draft )?pull request #\d+/);
    const pull = await waitFor(
      () => env.pulls().find((p) => p.pull?.head.includes(`issue-${issue.number}-`)),
      {
        what: 'the PR',
      },
    );
    expect(await git(env.gitDir, 'show', `${pull.pull?.head}:.github/openhands.yml`)).toContain(
      'network: open',
    );
    expect(pull.body.startsWith(FLAGGED_CHANGES_HEADING)).toBe(true);
    expect(pull.body).toContain('- `.github/openhands.yml` (modified): sets the confirmation policy');
    expect(pull.body).toContain('- `.vscode/tasks.json` (added): editor settings and tasks');
    expect(tracking.body).toContain(FLAGGED_CHANGES_HEADING);
    expect(tracking.body).toContain('`.github/openhands.yml`');
    env.standin.assertNoViolations();
  }, 180_000);

  it('a workflow copied in with cp is refused: the report names it and no branch is pushed', async () => {
    const issue = await env.labelIssue({
      title: 'e2e-planted-workflow: add() subtracts',
      body: 'Please fix.',
    });
    const tracking = await approveUntil(issue.number, /nothing was pushed/);
    expect(tracking.body).toContain('- `.github/workflows/x.yml` (added)');
    expect(tracking.body).toContain('`allowWorkflowChanges: true`');
    expect(await git(env.gitDir, 'branch', '--list', `openhands/issue-${issue.number}-*`)).toBe('');
    env.standin.assertNoViolations();
  }, 180_000);
});

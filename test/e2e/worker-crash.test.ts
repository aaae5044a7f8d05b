import { describe, expect, it } from 'vitest';
import { LABELS } from '../../src/workspace/docker/index.js';
import { lastToolResult } from '../support/scripted-llm/index.js';
import { type AgentScenario, assistantTurns, finish, taskMessage, terminal } from './support/agent-script.js';
import { type E2eEnvironment, git, waitFor } from './support/e2e-environment.js';
import { useE2eEnvironment } from './support/use-e2e-environment.js';

const LONG_FIX: AgentScenario = {
  name: 'fix, then a long command',
  whenTaskContains: 'e2e-crash',
  steps: [
    terminal("sed -i 's/a - b/a + b/' src/math.js"),
    terminal('sleep 60'),
    terminal('node test.js'),
    (request) => finish(`Fixed add(). ${lastToolResult(request)?.content.trim() ?? ''}`),
  ],
};

let env: E2eEnvironment;

// A short lock, so the second worker notices the dead one within seconds rather than a minute.
useE2eEnvironment({ scenarios: [LONG_FIX], workerEnv: { HANDSBOT_JOB_LOCK_MS: '4000' } }, (started) => {
  env = started;
});

describe('end to end: a worker killed mid-run', () => {
  it('is resumed by a second worker from the run’s log: one PR, one tracking comment, no step asked twice', async () => {
    const issue = await env.labelIssue({
      title: 'e2e-crash: add() subtracts',
      body: 'add(2, 3) returns -1.',
    });
    const requests = () => env.llm.requests.filter((r) => taskMessage(r).includes('e2e-crash'));
    // The model answered `sleep 60`: the first worker is inside that command.
    await waitFor(() => requests().length === 2, { timeoutMs: 90_000, what: 'the long command' });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const [first] = env.workers;
    await first?.kill();
    const runId = /handsbot:run=(\S+)/.exec(env.botComments(issue.number)[0]?.body ?? '')?.[1] ?? '';
    expect(runId).not.toBe('');

    const second = await env.startWorker({ HANDSBOT_JOB_LOCK_MS: '4000' });
    await second.waitForLog(
      (l) => l.msg === 'run job started' && l.resume === true,
      60_000,
      'the resumed run',
    );
    const tracking = await env.trackingComment(issue.number, /I opened pull request #\d+/, 120_000);

    // Exactly one PR and one tracking comment, and the PR has the fix made before the crash.
    const pulls = env.pulls().filter((p) => p.pull?.head.startsWith(`openhands/issue-${issue.number}-`));
    expect(pulls).toHaveLength(1);
    expect(env.botComments(issue.number)).toEqual([tracking]);
    expect(await git(env.gitDir, 'show', `${pulls[0]?.pull?.head}:src/math.js`)).toContain('a + b');
    // Each step was asked for once: the resumed run went on from the log, it did not start over.
    expect(requests().map(assistantTurns)).toEqual([0, 1, 2, 3]);
    // The cut-off command was not run again blindly: the model was told it may or may not have run.
    const afterCrash = requests()[2];
    expect(afterCrash && lastToolResult(afterCrash)?.content).toContain('may or may not have taken effect');
    // Neither the dead worker's sandbox nor the second one's outlives the run.
    await waitFor(async () => (await env.sandboxes()).every((c) => c.Labels[LABELS.runId] !== runId), {
      timeoutMs: 20_000,
      what: 'the run’s sandboxes to be removed',
    });
    env.standin.assertNoViolations();
  }, 240_000);
});

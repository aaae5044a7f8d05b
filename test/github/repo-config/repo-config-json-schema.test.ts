import { describe, expect, it } from 'vitest';
import { renderRepoConfigJsonSchema } from '../../../src/github/repo-config/render-repo-config-json-schema.js';

describe('docs/openhands.schema.json', () => {
  // Regenerate with `npm run schema:repo-config` (vitest -u on this file).
  it('is generated from the zod schema and up to date', async () => {
    await expect(renderRepoConfigJsonSchema()).toMatchFileSnapshot('../../../docs/openhands.schema.json');
  });

  it('documents every key with its default', () => {
    const schema = JSON.parse(renderRepoConfigJsonSchema()) as {
      properties: Record<string, { default?: unknown; description?: string }>;
      additionalProperties: boolean;
    };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.draftPullRequests?.default).toBe(true);
    for (const [key, property] of Object.entries(schema.properties)) {
      expect(property.description, key).toBeTruthy();
    }
  });

  it('claims no default for a key the installation sets: the description names its variable', () => {
    const schema = JSON.parse(renderRepoConfigJsonSchema()) as {
      properties: Record<string, { default?: unknown; description?: string }>;
    };
    const installationKeys = {
      triggerLabel: 'HANDSBOT_TRIGGER_LABEL, else "openhands"',
      network: 'HANDSBOT_NETWORK, else "none"',
      confirmation: 'HANDSBOT_CONFIRMATION, else "risky"',
      image: 'HANDSBOT_SANDBOX_IMAGE',
      maxIterations: 'HANDSBOT_MAX_ITERATIONS, else 50',
      maxCostUsd: 'HANDSBOT_MAX_COST_USD, else no cap',
      modelProfile: 'HANDSBOT_LLM_ROUTES',
    };
    for (const [key, variable] of Object.entries(installationKeys)) {
      expect(schema.properties[key], key).not.toHaveProperty('default');
      expect(schema.properties[key]?.description, key).toContain(`default: the installation's ${variable}`);
    }
  });
});

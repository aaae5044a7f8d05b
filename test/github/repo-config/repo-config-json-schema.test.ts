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
    expect(schema.properties.triggerLabel?.default).toBe('openhands');
    expect(schema.properties.draftPullRequests?.default).toBe(true);
    for (const [key, property] of Object.entries(schema.properties)) {
      expect(property.description, key).toBeTruthy();
    }
  });
});

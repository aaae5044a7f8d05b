import { z } from 'zod';
import { repoConfigSchema } from './repo-config.schema.js';

/**
 * The JSON Schema users point their editor at (`# yaml-language-server: $schema=...`), generated
 * from the zod schema so the two cannot drift. Input side: every key is optional; a key only a
 * repository sets shows its `default`, a key the installation also sets says in its description that
 * the installation's setting applies first (see `repoConfigSchema`).
 * Committed as `docs/openhands.schema.json`; a test fails when the file is stale.
 */
export function renderRepoConfigJsonSchema(): string {
  const schema = z.toJSONSchema(repoConfigSchema, { io: 'input', unrepresentable: 'throw' });
  return `${JSON.stringify({ ...schema, title: 'handsbot .github/openhands.yml' }, null, 2)}\n`;
}

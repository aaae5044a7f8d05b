import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { HANDLED_WEBHOOKS } from '../../../src/github/app/create-handsbot-app.js';

const manifestSchema = z.object({
  name: z.string().min(1),
  url: z.url(),
  default_events: z.array(z.string()),
  default_permissions: z.record(z.string(), z.enum(['read', 'write'])),
});

async function readManifest() {
  return manifestSchema.parse(parse(await readFile(new URL('../../../app.yml', import.meta.url), 'utf8')));
}

describe('app.yml', () => {
  it('asks for least privilege: write on contents, issues and pull requests; read on metadata, checks, actions', async () => {
    const manifest = await readManifest();
    expect(manifest.default_permissions).toEqual({
      contents: 'write',
      issues: 'write',
      pull_requests: 'write',
      metadata: 'read',
      checks: 'read',
      actions: 'read',
    });
  });

  it('subscribes to exactly the events the app handles', async () => {
    const manifest = await readManifest();
    const handled = [...new Set(HANDLED_WEBHOOKS.map((name) => name.split('.')[0]))];
    expect([...manifest.default_events].sort()).toEqual(handled.sort());
  });
});

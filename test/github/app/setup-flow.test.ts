import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startSetupFlow } from '../../../src/github/app/start-setup-flow.js';
import type { WebServer } from '../../../src/github/app/start-web-server.js';
import { freePort } from '../../support/webhooks.js';

let server: WebServer | undefined;
const smeeSetting = process.env.NO_SMEE_SETUP;

afterEach(async () => {
  await server?.stop();
  if (smeeSetting === undefined) delete process.env.NO_SMEE_SETUP;
  else process.env.NO_SMEE_SETUP = smeeSetting;
});

describe('the setup flow (npm start without credentials)', () => {
  it("serves Probot's registration page with the manifest from app.yml", async () => {
    // Probot reads this one from the process itself; without it, it would fetch smee-client with npx.
    process.env.NO_SMEE_SETUP = 'true';
    const port = await freePort();
    server = await startSetupFlow({
      env: { HOST: '127.0.0.1', PORT: String(port) },
      logger: pino({ level: 'silent' }),
    });
    const page = await fetch(`http://127.0.0.1:${port}/probot`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('https://github.com/settings/apps/new');
    // Probot puts the manifest, as JSON, in a single-quoted attribute of the register button.
    const manifest: unknown = JSON.parse(/name="manifest"[^>]*value='([^']*)'/.exec(html)?.[1] ?? 'null');
    expect(manifest).toMatchObject({
      name: 'handsbot',
      default_events: ['issues', 'issue_comment', 'pull_request_review', 'pull_request_review_comment'],
      default_permissions: parse(
        '{contents: write, issues: write, pull_requests: write, metadata: read, checks: read, actions: read}',
      ),
      redirect_url: `http://127.0.0.1:${port}/probot/setup`,
    });
  });
});

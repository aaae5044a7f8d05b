import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import type { WebhookDefinition } from '@octokit/webhooks-examples';
import { sign } from '@octokit/webhooks-methods';

/**
 * GitHub's own example payloads (`@octokit/webhooks-examples`), adapted the way GitHub's newer payloads
 * differ, and delivered over HTTP with a real signature.
 */

export type Payload = { [key: string]: unknown };

const require = createRequire(import.meta.url);
const definitions: WebhookDefinition[] = require('@octokit/webhooks-examples');

export const TEST_INSTALLATION = { id: 4242, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI0Mg==' };

/**
 * The first example of `name`.`action`, as a fresh copy with an `installation` (most examples predate
 * it) and `overrides` deep-merged in (objects merge, anything else replaces).
 */
export function exampleWebhook(name: string, action: string, overrides: Payload = {}): Payload {
  const example = definitions
    .find((definition) => definition.name === name)
    ?.examples.find((candidate) => 'action' in candidate && candidate.action === action);
  if (!example) throw new Error(`no example payload for ${name}.${action}`);
  const copy: Payload = JSON.parse(JSON.stringify(example));
  return deepMerge(deepMerge(copy, { installation: TEST_INSTALLATION }), overrides);
}

/** An issue comment made a pull-request comment: GitHub adds `issue.pull_request` for PRs. */
export function pullRequestFields(number: number): Payload {
  const url = `https://api.github.com/repos/Codertocat/Hello-World/pulls/${number}`;
  return {
    issue: {
      number,
      pull_request: {
        url,
        html_url: `https://github.com/Codertocat/Hello-World/pull/${number}`,
        diff_url: `https://github.com/Codertocat/Hello-World/pull/${number}.diff`,
        patch_url: `https://github.com/Codertocat/Hello-World/pull/${number}.patch`,
        merged_at: null,
      },
    },
  };
}

export interface Delivery {
  readonly url: string;
  readonly secret: string;
  readonly name: string;
  readonly id: string;
  readonly payload: Payload | string;
  /** Sign with this secret instead (a forged delivery). */
  readonly signWith?: string;
}

/** POSTs a delivery the way GitHub does: JSON body, event and delivery headers, HMAC-SHA256 signature. */
export async function deliverWebhook(delivery: Delivery): Promise<{ status: number; body: string }> {
  const body = typeof delivery.payload === 'string' ? delivery.payload : JSON.stringify(delivery.payload);
  const response = await fetch(delivery.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/test',
      'x-github-event': delivery.name,
      'x-github-delivery': delivery.id,
      'x-hub-signature-256': await sign(delivery.signWith ?? delivery.secret, body),
    },
    body,
  });
  return { status: response.status, body: await response.text() };
}

/** A port nothing listens on right now (Probot's server treats port 0 as "use 3000"). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function deepMerge(base: Payload, overrides: Payload): Payload {
  const merged: Payload = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const current = merged[key];
    merged[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return merged;
}

function isPlainObject(value: unknown): value is Payload {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

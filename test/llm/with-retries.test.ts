import { afterEach, describe, expect, test } from 'vitest';
import { parseRetryAfter } from '../../src/llm/classify-llm-failure.js';
import type { RetryInfo } from '../../src/llm/llm-client-deps.js';
import { LlmError } from '../../src/llm/llm-error.js';
import { createLlmClientFromProfile } from '../../src/llm/llm-router.js';
import { nextWait } from '../../src/llm/with-retries.js';
import {
  type Script,
  type ScriptedLlmServer,
  startScriptedLlmServer,
} from '../support/scripted-llm/index.js';
import { agentRequest, profileFor, recordingDeps } from './support.js';

let server: ScriptedLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const REQUEST = agentRequest([{ role: 'user', content: 'hello' }]);
const OK = { text: 'ok' } as const;

async function failureOf(promise: Promise<unknown>): Promise<LlmError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LlmError);
  return err as LlmError;
}

describe.each(['openai', 'anthropic'] as const)('%s client retries', (provider) => {
  async function setup(script: Script, overrides: Parameters<typeof profileFor>[2] = {}, apiKey?: string) {
    server = await startScriptedLlmServer(script, apiKey === undefined ? {} : { apiKey });
    const retries: RetryInfo[] = [];
    const deps = recordingDeps({ onRetry: (r) => retries.push(r) });
    const client = createLlmClientFromProfile(profileFor(server, provider, overrides), deps);
    return { server, client, waits: deps.waits, retries };
  }

  test('a 429 is retried after the retry-after the provider sent', async () => {
    const { client, waits, retries, server } = await setup([
      { fault: 'http', status: 429, retryAfter: 7 },
      OK,
    ]);

    const response = await client.complete(REQUEST);

    expect(response.content).toBe('ok');
    expect(server.requests).toHaveLength(2);
    expect(waits).toEqual([7_000]);
    expect(retries[0]).toMatchObject({ attempt: 1, waitMs: 7_000, profile: `${provider}-main` });
    expect(retries[0]?.error).toMatchObject({ kind: 'rate_limit', status: 429, retryAfterSeconds: 7 });
  });

  test('500 and 503 are retried with growing jittered backoff, then succeed', async () => {
    const { client, waits, server } = await setup([
      { fault: 'http', status: 500 },
      { fault: 'http', status: 503 },
      OK,
    ]);

    await expect(client.complete(REQUEST)).resolves.toMatchObject({ content: 'ok' });

    expect(server.requests).toHaveLength(3);
    // random() = 0.5: halfway between 1 s and min(8 s, 1 s × 2^n) for retries n = 1, 2.
    expect(waits).toEqual([1_500, 2_500]);
  });

  test('a server that keeps failing is given maxRetries retries and no more', async () => {
    const { client, waits, server } = await setup(() => ({ fault: 'http', status: 502 }), { maxRetries: 2 });

    const err = await failureOf(client.complete(REQUEST));

    expect(err).toMatchObject({ kind: 'server', status: 502, transient: true, profile: `${provider}-main` });
    expect(server.requests).toHaveLength(3);
    expect(waits).toHaveLength(2);
  });

  test('a rejected key fails at once as authentication, with one request', async () => {
    const { client, waits, server } = await setup([OK], {}, 'the-real-key');

    const err = await failureOf(client.complete(REQUEST));

    expect(err).toMatchObject({ kind: 'authentication', status: 401, transient: false });
    expect(server.requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  test('a 403 fails at once as authentication', async () => {
    const { client, server } = await setup([{ fault: 'http', status: 403 }, OK]);
    expect(await failureOf(client.complete(REQUEST))).toMatchObject({ kind: 'authentication', status: 403 });
    expect(server.requests).toHaveLength(1);
  });

  test('an unknown model (404) fails at once as model_not_found', async () => {
    const { client, waits, server } = await setup([{ fault: 'http', status: 404 }, OK]);

    const err = await failureOf(client.complete(REQUEST));

    expect(err).toMatchObject({ kind: 'model_not_found', status: 404, transient: false });
    expect(server.requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  test('a plain 400 is a bad request, not retried', async () => {
    const { client, server } = await setup([
      { fault: 'http', status: 400, message: 'tools[0].name: bad' },
      OK,
    ]);
    expect(await failureOf(client.complete(REQUEST))).toMatchObject({ kind: 'bad_request', status: 400 });
    expect(server.requests).toHaveLength(1);
  });

  test('a prompt too long for the model is context_window_exceeded, not retried', async () => {
    const fault =
      provider === 'openai'
        ? ({
            fault: 'http',
            status: 400,
            errorCode: 'context_length_exceeded',
            message: 'Input exceeds the limit.',
          } as const)
        : ({
            fault: 'http',
            status: 400,
            message: 'prompt is too long: 210345 tokens > 200000 maximum',
          } as const);
    const { client, server } = await setup([fault, OK]);

    const err = await failureOf(client.complete(REQUEST));

    expect(err).toMatchObject({ kind: 'context_window_exceeded', transient: false });
    expect(server.requests).toHaveLength(1);
  });

  test('a provider error code wins over misleading message text', async () => {
    const { client } = await setup([
      {
        fault: 'http',
        status: 400,
        errorCode: 'invalid_value',
        message: 'context window setting is invalid',
      },
    ]);
    expect(await failureOf(client.complete(REQUEST))).toMatchObject({ kind: 'bad_request' });
  });

  test('a connection dropped before any answer is retried', async () => {
    const { client, server, retries } = await setup([{ fault: 'drop' }, OK]);

    await expect(client.complete(REQUEST)).resolves.toMatchObject({ content: 'ok' });

    expect(server.requests).toHaveLength(2);
    expect(retries[0]?.error.kind).toBe('connection');
  });

  test('a stream cut mid-answer is retried and the partial answer discarded', async () => {
    const { client, server, retries } = await setup([{ fault: 'drop-mid-stream' }, { text: 'complete' }], {
      stream: true,
    });

    await expect(client.complete(REQUEST)).resolves.toMatchObject({ content: 'complete' });

    expect(server.requests).toHaveLength(2);
    expect(retries[0]?.error.kind).toBe('connection');
  });

  test('a request that outlives timeoutMs is a timeout, retried', async () => {
    const { client, server } = await setup(() => ({ fault: 'hang' }), { timeoutMs: 150, maxRetries: 1 });

    const err = await failureOf(client.complete(REQUEST));

    expect(err).toMatchObject({ kind: 'timeout', transient: true });
    expect(server.requests).toHaveLength(2);
  });

  test('a stream that stalls half-way hits the deadline and is retried', async () => {
    const { client, server, retries } = await setup([{ fault: 'stall-mid-stream' }, { text: 'complete' }], {
      stream: true,
      timeoutMs: 200,
    });

    await expect(client.complete(REQUEST)).resolves.toMatchObject({ content: 'complete' });

    expect(server.requests).toHaveLength(2);
    expect(retries[0]?.error.kind).toBe('timeout');
  });

  test('aborting an in-flight call stops it at once with kind aborted', async () => {
    const { client, server } = await setup(() => ({ fault: 'hang' }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('user said stop')), 50);
    const started = Date.now();

    const err = await failureOf(client.complete(REQUEST, { signal: controller.signal }));

    expect(err).toMatchObject({ kind: 'aborted', transient: false });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(server.requests).toHaveLength(1);
  });

  test('aborting during a backoff wait ends the wait at once', async () => {
    server = await startScriptedLlmServer([{ fault: 'http', status: 500 }, OK]);
    const controller = new AbortController();
    // Real sleep and a one-minute wait: only the abort can end this test in time.
    const client = createLlmClientFromProfile(
      profileFor(server, provider, { retryMinWaitMs: 60_000, retryMaxWaitMs: 60_000 }),
      { onRetry: () => controller.abort() },
    );
    const started = Date.now();

    const err = await failureOf(client.complete(REQUEST, { signal: controller.signal }));

    expect(err.kind).toBe('aborted');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(server.requests).toHaveLength(1);
  });

  test('a retry-after longer than a minute is not waited for', async () => {
    const { client, server, waits } = await setup([{ fault: 'http', status: 429, retryAfter: 3_600 }, OK]);

    const err = await failureOf(client.complete(REQUEST));

    expect(err).toMatchObject({ kind: 'rate_limit', transient: true, retryAfterSeconds: 3_600 });
    expect(server.requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });
});

test('OpenAI retry-after-ms wins over retry-after', async () => {
  server = await startScriptedLlmServer([
    { fault: 'http', status: 429, retryAfter: 9, retryAfterMs: 1_250 },
    OK,
  ]);
  const deps = recordingDeps();
  const client = createLlmClientFromProfile(profileFor(server, 'openai'), deps);

  await client.complete(REQUEST);

  expect(deps.waits).toEqual([1_250]);
});

test('an OpenAI 429 for an empty quota is not retried but stays transient for the fallback', async () => {
  server = await startScriptedLlmServer([
    { fault: 'http', status: 429, errorCode: 'insufficient_quota' },
    OK,
  ]);
  const client = createLlmClientFromProfile(profileFor(server, 'openai'), recordingDeps());

  const err = await failureOf(client.complete(REQUEST));

  expect(err).toMatchObject({ kind: 'rate_limit', transient: true });
  expect(server.requests).toHaveLength(1);
});

test('Anthropic 529 overloaded is retried', async () => {
  server = await startScriptedLlmServer([{ fault: 'http', status: 529 }, OK]);
  const client = createLlmClientFromProfile(profileFor(server, 'anthropic'), recordingDeps());

  await expect(client.complete(REQUEST)).resolves.toMatchObject({ content: 'ok' });
  expect(server.requests).toHaveLength(2);
});

describe('backoff', () => {
  const policy = { profile: 'p', maxRetries: 5, retryMinWaitMs: 8_000, retryMaxWaitMs: 64_000 };

  test('stays between the minimum and a ceiling that doubles up to the maximum', () => {
    for (const [retry, ceiling] of [
      [0, 16_000],
      [1, 32_000],
      [2, 64_000],
      [5, 64_000],
    ] as const) {
      expect(nextWait(retry, { retryAfterMs: undefined }, policy, () => 0)).toBe(8_000);
      expect(nextWait(retry, { retryAfterMs: undefined }, policy, () => 0.999_999)).toBe(ceiling);
    }
  });

  test('follows retry-after up to the cap, and refuses beyond it', () => {
    expect(nextWait(0, { retryAfterMs: 30_000 }, policy, () => 0.5)).toBe(30_000);
    expect(nextWait(0, { retryAfterMs: 64_000 }, policy, () => 0.5)).toBe(64_000);
    expect(nextWait(0, { retryAfterMs: 64_001 }, policy, () => 0.5)).toBeUndefined();
  });

  test('retry-after may be an HTTP date', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    const headers = new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:05 GMT' });
    expect(parseRetryAfter(headers, now)).toBe(5_000);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
  });
});

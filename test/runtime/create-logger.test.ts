import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/runtime/create-logger.js';

describe('createLogger', () => {
  it('masks configured secrets and token shapes in every line it writes', async () => {
    const out = new PassThrough();
    let written = '';
    out.on('data', (chunk: Buffer) => {
      written += chunk.toString();
    });
    const logger = createLogger({ logLevel: 'info', secrets: ['hunter2-webhook-secret'] }, 'test', out);
    const token = `ghs_${'A1b2C3d4E5'.repeat(4)}`;
    logger.error(
      { err: new Error(`push failed with ${token}`) },
      'webhook secret hunter2-webhook-secret leaked?',
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(written).toContain('<secret-hidden>');
    expect(written).not.toContain('hunter2-webhook-secret');
    expect(written).not.toContain(token);
    expect(JSON.parse(written.trim().split('\n')[0] ?? '{}')).toMatchObject({ name: 'test', level: 50 });
  });
});

import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FollowUps } from '../../jobs/follow-ups.js';
import type { JobData } from '../../jobs/job-data.js';
import { watchFollowUps } from '../../jobs/watch-follow-ups.js';
import { createQueueFixture, quietLogger, runData, waitFor } from './support.js';

let fx: Awaited<ReturnType<typeof createQueueFixture>>;
beforeEach(async () => {
  fx = await createQueueFixture();
});
afterEach(async () => {
  await fx.cleanup();
});

const JOB = 'run-42-5-delivery-a';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('watchFollowUps', () => {
  it('reports triggers that came while the job was queued at once, then again only when more arrive, and leaves them for the report', async () => {
    const followUps = new FollowUps(fx.redis, fx.prefix);
    const first = runData({ deliveryId: 'b' });
    const second = runData({ deliveryId: 'c' });
    await followUps.record(JOB, first);
    const arrived: (readonly JobData[])[] = [];
    const watch = watchFollowUps({
      peek: () => followUps.peek(JOB),
      onArrived: (list) => arrived.push(list),
      intervalMs: 20,
      logger: quietLogger,
    });
    fx.onCleanup(async () => watch.stop());
    await waitFor(() => arrived.length === 1, { what: 'the queued follow-up' });
    await sleep(100);
    expect(arrived).toEqual([[first]]);
    await followUps.record(JOB, second);
    await waitFor(() => arrived.length === 2, { what: 'the new follow-up' });
    expect(arrived[1]).toEqual([first, second]);
    watch.stop();
    expect(await followUps.take(JOB)).toEqual([first, second]);
  });

  it('a failed look is logged and the next one tries again', async () => {
    const followUps = new FollowUps(fx.redis, fx.prefix);
    await followUps.record(JOB, runData({ deliveryId: 'b' }));
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(JSON.parse(line).msg) });
    let looks = 0;
    const arrived: (readonly JobData[])[] = [];
    const watch = watchFollowUps({
      peek: async () => {
        if (looks++ === 0) throw new Error('connection reset');
        return followUps.peek(JOB);
      },
      onArrived: (list) => arrived.push(list),
      intervalMs: 20,
      logger,
    });
    fx.onCleanup(async () => watch.stop());
    await waitFor(() => arrived.length === 1, { what: 'the follow-up after a failed look' });
    expect(warnings).toEqual(['could not look for follow-up triggers; trying again']);
  });

  it('reports nothing once stopped, even a look that was in flight', async () => {
    const followUps = new FollowUps(fx.redis, fx.prefix);
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let looks = 0;
    const arrived: (readonly JobData[])[] = [];
    const watch = watchFollowUps({
      peek: async () => {
        looks++;
        await gate;
        return followUps.peek(JOB);
      },
      onArrived: (list) => arrived.push(list),
      intervalMs: 20,
      logger: quietLogger,
    });
    await followUps.record(JOB, runData({ deliveryId: 'b' }));
    watch.stop();
    release();
    await sleep(100);
    expect(looks).toBe(1);
    expect(arrived).toEqual([]);
  });
});

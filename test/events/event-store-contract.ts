import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  CorruptEventError,
  type EventStore,
  InvalidEventError,
  InvalidRunIdError,
  RunNotFoundError,
  SequenceConflictError,
} from '../../src/events/index.js';
import { makeEvents } from './make-events.js';

/** One store under test, fresh for each test, plus a back door to damage what it stored. */
export interface StoreUnderTest {
  store: EventStore;
  /** Stores `raw` as the record for `seq` (the next one), bypassing the store's own checks. */
  writeRawRecord(runId: string, seq: number, raw: string): Promise<void>;
  dispose(): Promise<void>;
}

export interface StoreHarness {
  name: string;
  create(): Promise<StoreUnderTest>;
}

/** The behaviour every EventStore must share; call inside a `describe` per store. */
export function eventStoreContract(harness: StoreHarness): void {
  let subject: StoreUnderTest | undefined;
  let store: EventStore;

  beforeEach(async () => {
    subject = await harness.create();
    store = subject.store;
  });
  afterEach(async () => {
    // Missing when create() failed (Redis unreachable): that failure is the one to show.
    await subject?.dispose();
    subject = undefined;
  });
  const damage = (runId: string, seq: number, raw: string): Promise<void> => {
    if (subject === undefined) throw new Error('no store under test');
    return subject.writeRawRecord(runId, seq, raw);
  };

  it('reads back appended events in order, equal to what was written', async () => {
    const events = makeEvents('run-a', 1, 5);
    await store.append('run-a', events.slice(0, 2));
    await store.append('run-a', events.slice(2));
    expect(await store.read('run-a')).toEqual(events);
  });

  it('reads only the events after afterSeq', async () => {
    await store.append('run-a', makeEvents('run-a', 1, 5));
    expect((await store.read('run-a', 3)).map((event) => event.seq)).toEqual([4, 5]);
    expect(await store.read('run-a', 5)).toEqual([]);
    expect(await store.read('run-a', 0)).toHaveLength(5);
  });

  it('reports the last seq, 0 for a run with no events', async () => {
    expect(await store.lastSeq('run-a')).toBe(0);
    await store.append('run-a', makeEvents('run-a', 1, 3));
    expect(await store.lastSeq('run-a')).toBe(3);
  });

  it('refuses to read a run that has no events', async () => {
    await expect(store.read('nothing-here')).rejects.toBeInstanceOf(RunNotFoundError);
  });

  it('accepts an empty batch as a no-op', async () => {
    await store.append('run-a', []);
    expect(await store.lastSeq('run-a')).toBe(0);
  });

  it('refuses a first event that does not follow the last seq', async () => {
    await expect(store.append('run-a', makeEvents('run-a', 2))).rejects.toMatchObject({
      name: 'SequenceConflictError',
      runId: 'run-a',
      expectedSeq: 1,
      gotSeq: 2,
    });
    await store.append('run-a', makeEvents('run-a', 1, 2));
    await expect(store.append('run-a', makeEvents('run-a', 4))).rejects.toBeInstanceOf(SequenceConflictError);
    expect(await store.lastSeq('run-a')).toBe(2);
  });

  it('refuses a duplicate seq, as a stale second writer would send', async () => {
    await store.append('run-a', makeEvents('run-a', 1, 2));
    await expect(store.append('run-a', makeEvents('run-a', 2))).rejects.toMatchObject({
      name: 'SequenceConflictError',
      expectedSeq: 3,
      gotSeq: 2,
    });
    await expect(store.append('run-a', makeEvents('run-a', 1))).rejects.toBeInstanceOf(SequenceConflictError);
    expect(await store.read('run-a')).toEqual(makeEvents('run-a', 1, 2));
  });

  it('refuses a batch with a gap whole, writing none of it', async () => {
    await store.append('run-a', makeEvents('run-a', 1));
    const batch = [...makeEvents('run-a', 2, 3), ...makeEvents('run-a', 5)];
    await expect(store.append('run-a', batch)).rejects.toBeInstanceOf(SequenceConflictError);
    expect(await store.lastSeq('run-a')).toBe(1);
    await store.append('run-a', makeEvents('run-a', 2, 3));
    expect((await store.read('run-a')).map((event) => event.seq)).toEqual([1, 2, 3]);
  });

  it('refuses an event that names another run', async () => {
    await expect(store.append('run-a', makeEvents('run-b', 1))).rejects.toBeInstanceOf(InvalidEventError);
    expect(await store.lastSeq('run-a')).toBe(0);
  });

  it('keeps runs apart and lists the runs that have events', async () => {
    expect(await store.listRuns()).toEqual([]);
    await store.append('run-b', makeEvents('run-b', 1, 2));
    await store.append('run-a', makeEvents('run-a', 1));
    expect(await store.listRuns()).toEqual(['run-a', 'run-b']);
    expect(await store.read('run-a')).toEqual(makeEvents('run-a', 1));
    expect(await store.lastSeq('run-b')).toBe(2);
  });

  it('round-trips a snapshot and returns undefined when there is none', async () => {
    expect(await store.loadSnapshot('run-a')).toBeUndefined();
    const state = { status: 'running', iterations: 3, nested: { costs: [0.1, 0.2] }, note: null };
    await store.saveSnapshot('run-a', { seq: 7, state });
    expect(await store.loadSnapshot('run-a')).toEqual({ seq: 7, state });
    await store.saveSnapshot('run-a', { seq: 8, state: 'replaced' });
    expect(await store.loadSnapshot('run-a')).toEqual({ seq: 8, state: 'replaced' });
  });

  it('names the run and seq of a stored record that does not parse', async () => {
    await store.append('run-a', makeEvents('run-a', 1, 2));
    await damage('run-a', 3, '{"id":"x","kind":"no-such-kind"}');
    const failure = await store.read('run-a').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CorruptEventError);
    expect(failure).toMatchObject({ runId: 'run-a', seq: 3 });
    expect(String(failure)).toMatch(/run run-a: stored event at seq 3/);
    expect(await store.read('run-a', 0).catch(() => 'failed')).toBe('failed');
    expect((await store.read('run-a', 3)).length).toBe(0);
  });

  it('names the run and seq of a stored record that is not JSON', async () => {
    await store.append('run-a', makeEvents('run-a', 1));
    await damage('run-a', 2, 'not json at all');
    await expect(store.read('run-a', 1)).rejects.toMatchObject({
      name: 'CorruptEventError',
      runId: 'run-a',
      seq: 2,
    });
  });

  it('refuses run ids that could escape the store before touching it', async () => {
    for (const runId of ['../escape', 'a/b', '..', '.hidden', 'a\\b', '', 'x'.repeat(129), 'a..b', 'a b']) {
      await expect(store.append(runId, []), runId).rejects.toBeInstanceOf(InvalidRunIdError);
      await expect(store.read(runId), runId).rejects.toBeInstanceOf(InvalidRunIdError);
      await expect(store.lastSeq(runId), runId).rejects.toBeInstanceOf(InvalidRunIdError);
      await expect(store.saveSnapshot(runId, { seq: 0, state: null }), runId).rejects.toBeInstanceOf(
        InvalidRunIdError,
      );
      await expect(store.loadSnapshot(runId), runId).rejects.toBeInstanceOf(InvalidRunIdError);
    }
    expect(await store.listRuns()).toEqual([]);
  });
}

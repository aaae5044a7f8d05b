import { execFile } from 'node:child_process';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CorruptEventError,
  createFileEventStore,
  EventStoreClosedError,
  type FileEventStore,
  RunLockedError,
  SequenceConflictError,
} from '../../src/events/index.js';
import { makeEvents } from './make-events.js';

const run = promisify(execFile);
const CHILD = join(import.meta.dirname, 'fixtures', 'append-in-child.ts');

async function appendFromChild(dir: string, runId: string): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', CHILD, dir, runId], { timeout: 20_000 });
  return JSON.parse(stdout) as Record<string, unknown>;
}

describe('file event store', () => {
  let dir: string;
  const stores: FileEventStore[] = [];
  const open = (options: { durability?: 'fsync' | 'flush' } = {}): FileEventStore => {
    const store = createFileEventStore({ dir, ...options });
    stores.push(store);
    return store;
  };
  const logPath = (runId: string): string => join(dir, runId, 'events.jsonl');

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'handsbot-file-store-'));
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it('stores one JSON line per event and a snapshot file beside them', async () => {
    const store = open();
    await store.append('run-1', makeEvents('run-1', 1, 2));
    await store.saveSnapshot('run-1', { seq: 2, state: { status: 'running' } });
    const lines = (await readFile(logPath('run-1'), 'utf8')).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(JSON.parse(lines[0] ?? '')).toEqual(makeEvents('run-1', 1)[0]);
    expect(JSON.parse(await readFile(join(dir, 'run-1', 'state.json'), 'utf8'))).toEqual({
      seq: 2,
      state: { status: 'running' },
    });
  });

  it('ignores a torn last line on read and truncates it on the next append', async () => {
    const writer = open();
    await writer.append('run-1', makeEvents('run-1', 1, 2));
    await writer.close();
    // What a crash in the middle of a write leaves behind.
    const torn = JSON.stringify(makeEvents('run-1', 3)[0]).slice(0, 40);
    await appendFile(logPath('run-1'), torn);

    const store = open();
    expect(await store.read('run-1')).toEqual(makeEvents('run-1', 1, 2));
    expect(await store.lastSeq('run-1')).toBe(2);
    await store.append('run-1', makeEvents('run-1', 3, 4));
    expect(await store.read('run-1')).toEqual(makeEvents('run-1', 1, 4));
    const expected = makeEvents('run-1', 1, 4).map((event) => `${JSON.stringify(event)}\n`);
    expect(await readFile(logPath('run-1'), 'utf8')).toBe(expected.join(''));
  });

  it('treats a log holding only a torn line as a run with no events', async () => {
    const store = open();
    await store.append('run-1', makeEvents('run-1', 1));
    await store.close();
    await writeFile(logPath('run-1'), '{"id":"half');
    const reopened = open();
    expect(await reopened.lastSeq('run-1')).toBe(0);
    await reopened.append('run-1', makeEvents('run-1', 1));
    expect(await reopened.read('run-1')).toEqual(makeEvents('run-1', 1));
  });

  it('refuses to append after a last line that is complete but corrupt', async () => {
    const writer = open();
    await writer.append('run-1', makeEvents('run-1', 1));
    await writer.close();
    await appendFile(logPath('run-1'), '{"broken": true}\n');
    const store = open();
    await expect(store.append('run-1', makeEvents('run-1', 3))).rejects.toMatchObject({
      name: 'CorruptEventError',
      runId: 'run-1',
      seq: 2,
    });
    await expect(store.lastSeq('run-1')).rejects.toBeInstanceOf(CorruptEventError);
  });

  it('serialises two concurrent appenders in one process', async () => {
    const store = open();
    await Promise.all([
      store.append('run-1', makeEvents('run-1', 1, 3)),
      store.append('run-1', makeEvents('run-1', 4, 6)),
      store.append('run-1', makeEvents('run-1', 7)),
    ]);
    expect(await store.read('run-1')).toEqual(makeEvents('run-1', 1, 7));
  });

  it('lets exactly one of two concurrent appenders of the same seq win', async () => {
    const store = open();
    const results = await Promise.allSettled([
      store.append('run-1', makeEvents('run-1', 1, 2)),
      store.append('run-1', makeEvents('run-1', 1, 3)),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected']);
    expect(results[1]).toMatchObject({ reason: expect.any(SequenceConflictError) });
    expect(await store.read('run-1')).toEqual(makeEvents('run-1', 1, 2));
  });

  it('refuses a second store in the same process while the first holds the run', async () => {
    const first = open();
    await first.append('run-1', makeEvents('run-1', 1));
    const second = open();
    await expect(second.append('run-1', makeEvents('run-1', 2))).rejects.toMatchObject({
      name: 'RunLockedError',
      runId: 'run-1',
      holderPid: process.pid,
    });
    // Readers need no lock.
    expect(await second.read('run-1')).toEqual(makeEvents('run-1', 1));
    await first.release('run-1');
    await second.append('run-1', makeEvents('run-1', 2));
    expect(await first.read('run-1')).toEqual(makeEvents('run-1', 1, 2));
  });

  it('gives a second process writing the same run a lock error, then lets it in once released', async () => {
    const store = open();
    await store.append('run-1', makeEvents('run-1', 1));
    const refused = await appendFromChild(dir, 'run-1');
    expect(refused).toMatchObject({ ok: false, name: 'RunLockedError', holderPid: process.pid });
    expect(refused.message).toMatch(/run run-1 is being written by process \d+/);

    await store.close();
    expect(await appendFromChild(dir, 'run-1')).toEqual({ ok: true, seq: 2 });
    expect(await open().read('run-1')).toEqual(makeEvents('run-1', 1, 2));
  });

  it('takes over a lock left by a process that died', async () => {
    const store = open();
    await store.append('run-1', makeEvents('run-1', 1));
    await store.close();
    // A pid that was alive a moment ago and is not any more.
    const { stdout } = await run(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    await writeFile(join(dir, 'run-1', 'writer.lock'), `${stdout}\n`);
    const next = open();
    await next.append('run-1', makeEvents('run-1', 2));
    expect(await readFile(join(dir, 'run-1', 'writer.lock'), 'utf8')).toBe(`${process.pid}\n`);
  });

  it('lets only one of two writers take over the same stale lock', async () => {
    const store = open();
    await store.append('run-1', makeEvents('run-1', 1));
    await store.close();
    const { stdout } = await run(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    await writeFile(join(dir, 'run-1', 'writer.lock'), `${stdout}\n`);
    const results = await Promise.allSettled([
      open().append('run-1', makeEvents('run-1', 2)),
      open().append('run-1', makeEvents('run-1', 2)),
    ]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((result) => result.status === 'rejected')).toMatchObject({
      reason: expect.any(RunLockedError),
    });
    expect(await open().read('run-1')).toEqual(makeEvents('run-1', 1, 2));
  });

  it('finishes appends already queued when closed', async () => {
    const store = open();
    const pending = [
      store.append('run-1', makeEvents('run-1', 1)),
      store.append('run-1', makeEvents('run-1', 2)),
    ];
    await store.close();
    await Promise.all(pending);
    expect(await open().read('run-1')).toEqual(makeEvents('run-1', 1, 2));
  });

  it('takes over a lock carrying our own pid that this process does not hold (a restarted container)', async () => {
    const store = open();
    await store.append('run-1', makeEvents('run-1', 1));
    await store.close();
    await writeFile(join(dir, 'run-1', 'writer.lock'), `${process.pid}\n`);
    await open().append('run-1', makeEvents('run-1', 2));
  });

  it('removes the lock on close and refuses appends afterwards', async () => {
    const store = open();
    await store.append('run-1', makeEvents('run-1', 1));
    await store.close();
    await expect(readFile(join(dir, 'run-1', 'writer.lock'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(store.append('run-1', makeEvents('run-1', 2))).rejects.toBeInstanceOf(EventStoreClosedError);
  });

  it('works the same with flush durability', async () => {
    const store = open({ durability: 'flush' });
    await store.append('run-1', makeEvents('run-1', 1, 3));
    expect(await store.read('run-1', 1)).toEqual(makeEvents('run-1', 2, 3));
  });

  it('lists no runs for a directory that does not exist yet', async () => {
    expect(await createFileEventStore({ dir: join(dir, 'missing') }).listRuns()).toEqual([]);
  });

  it('does not let a locked error leak the lock', async () => {
    const first = open();
    await first.append('run-1', makeEvents('run-1', 1));
    await expect(open().append('run-1', makeEvents('run-1', 2))).rejects.toBeInstanceOf(RunLockedError);
    await first.append('run-1', makeEvents('run-1', 2));
    expect(await first.lastSeq('run-1')).toBe(2);
  });
});

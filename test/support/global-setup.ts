import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Every temporary folder the tests make (fixture repositories, checkouts, event logs, stand-in git
 * roots) goes under one folder per test run, removed at the end: tests that forget to clean up,
 * or are killed, no longer leave thousands of folders in /tmp. The forks inherit TMPDIR, which
 * `os.tmpdir()` reads.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const root = await mkdtemp(path.join(tmpdir(), 'handsbot-tests-'));
  process.env.TMPDIR = root;
  return async () => {
    await rm(root, { recursive: true, force: true });
  };
}

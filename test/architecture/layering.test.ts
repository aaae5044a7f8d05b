import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

/** The agent core and its components know nothing of the applications built on them. */
const CORE = ['agent', 'events', 'llm', 'tools', 'workspace', 'security', 'config', 'runtime'];
const FORBIDDEN = [
  /from '(probot|bullmq|@octokit\/[^']+)'/,
  /from '(\.\.\/)+(github|cli)\//,
  /from '(\.\.\/)+\.\.\/jobs\//,
];

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : Promise.resolve([path.join(dir, e.name)]),
    ),
  );
  return nested.flat().filter((f) => f.endsWith('.ts'));
}

describe('layering', () => {
  it('keeps GitHub, Probot, BullMQ and the CLI out of the agent core and its components', async () => {
    const offenders: string[] = [];
    for (const layer of CORE) {
      for (const file of await sourceFiles(path.join(SRC, layer))) {
        const text = await readFile(file, 'utf8');
        for (const pattern of FORBIDDEN) {
          const match = text.match(pattern);
          if (match) offenders.push(`${path.relative(SRC, file)}: ${match[0]}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});

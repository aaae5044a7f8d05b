/**
 * Per-call overhead of the workspace operations the agent's tools use, in a Docker sandbox against the
 * local workspace, measured side by side in one run (alternating, so machine noise hits both alike).
 * Run: `npx tsx bench/workspace-commands.bench.ts` (needs dockerd and the sandbox image).
 * Prints a table and writes bench/results/workspace-commands.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Docker from 'dockerode';
import { createDockerWorkspace } from '../src/workspace/docker/index.js';
import { createLocalWorkspace } from '../src/workspace/local-workspace.js';
import type { Workspace } from '../src/workspace/workspace.js';
import { median, p95, round } from './support/stats.js';

const ROUNDS = 40;
const image = process.env.HANDSBOT_SANDBOX_IMAGE;
if (!image) throw new Error('Set HANDSBOT_SANDBOX_IMAGE to the tag sandbox/build-image.sh printed.');

type Operation = { name: string; run: (w: Workspace) => Promise<unknown> };
const operations: Operation[] = [
  {
    name: 'terminal: echo (persistent shell)',
    run: (w) => w.shell().run({ command: 'echo hi', isInput: false }),
  },
  { name: 'exec: true (one-off process)', run: (w) => w.exec('true') },
  { name: 'readFile 10 KB', run: (w) => w.readFile(path.posix.join(w.root, 'data.txt')) },
  {
    name: 'writeFile 10 KB',
    // Each side its own file: a root-owned file from the local side is not the sandbox user's to overwrite.
    run: (w) => w.writeFile(path.posix.join(w.root, `out-${w.kind}.txt`), 'x'.repeat(10_240)),
  },
];

async function main(): Promise<void> {
  const base = await mkdtemp(path.join(tmpdir(), 'handsbot-bench-ws-'));
  const repo = path.join(base, 'repo');
  await mkdir(repo);
  await writeFile(path.join(repo, 'data.txt'), 'y'.repeat(10_240));
  execFileSync('git', ['init', '-q'], { cwd: repo });
  const local = createLocalWorkspace({ root: repo });
  const docker = new Docker();
  const started = performance.now();
  const sandbox = await createDockerWorkspace({
    docker,
    image: image as string,
    runId: `bench-${Date.now()}`,
    hostCheckoutDir: repo,
    repoName: 'repo',
    labels: { repository: 'bench/repo', worker: `bench-${process.pid}` },
  });
  const containerStartMs = performance.now() - started;
  const load = loadavg()[0];
  try {
    const rows = [];
    for (const op of operations) {
      await op.run(local); // warm both: the first shell call starts the shell
      await op.run(sandbox);
      const times: Record<'local' | 'docker', number[]> = { local: [], docker: [] };
      for (let i = 0; i < ROUNDS; i++) {
        for (const [kind, workspace] of [
          ['local', local],
          ['docker', sandbox],
        ] as const) {
          const t = performance.now();
          await op.run(workspace);
          times[kind].push(performance.now() - t);
        }
      }
      rows.push({
        operation: op.name,
        localMedianMs: round(median(times.local)),
        localP95Ms: round(p95(times.local)),
        dockerMedianMs: round(median(times.docker)),
        dockerP95Ms: round(p95(times.docker)),
        ratio: round(median(times.docker) / median(times.local), 1),
      });
    }
    console.log(
      `container create + start: ${round(containerStartMs, 0)} ms; ${ROUNDS} rounds; load ${load?.toFixed(2)}`,
    );
    console.table(rows);
    const result = {
      bench: 'workspace-commands',
      date: new Date().toISOString(),
      node: process.version,
      image,
      rounds: ROUNDS,
      loadAverage: load,
      containerStartMs: round(containerStartMs, 0),
      rows,
    };
    const out = new URL('./results/workspace-commands.json', import.meta.url);
    await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`results in ${out.pathname}`);
  } finally {
    await sandbox.close();
    await local.close();
  }
}

await main();

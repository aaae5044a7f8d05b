/**
 * Push-review bench (issue 11): what classifying a push costs before it leaves, on real git. A
 * repository of 600 folders; a change that touches one file in each of 1, 10, 100 and 600 folders
 * (each folder's tree is read and checked against its id, all objects in one `cat-file --batch`); timed: `listTreeChanges` (diff-tree, the
 * object checks, the package.json reads) and `classifyTreeChanges`. Run with
 * `npx tsx bench/push-review.bench.ts`; prints a table and writes bench/results/push-review.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { classifyTreeChanges } from '../src/security/classify-tree-changes.js';
import { listTreeChanges } from '../src/workspace/git/list-tree-changes.js';
import { runGit, runGitForBytes } from '../src/workspace/git/run-git.js';
import { median, round } from './support/stats.js';

const FOLDERS = 600;
const FILES_PER_FOLDER = 5;
const TOUCHED = [1, 10, 100, 600];
const REPEATS = 5;

const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    .toString('utf8')
    .trim();

async function main() {
  const repo = await mkdtemp(path.join(tmpdir(), 'handsbot-bench-review-'));
  try {
    git(repo, 'init', '-q');
    for (let d = 0; d < FOLDERS; d++) {
      const dir = path.join(repo, 'pkg', `m${d}`);
      await mkdir(dir, { recursive: true });
      for (let f = 0; f < FILES_PER_FOLDER; f++)
        await writeFile(path.join(dir, `f${f}.js`), `// ${d}/${f}\n`);
      await writeFile(
        path.join(dir, 'package.json'),
        JSON.stringify({ name: `m${d}`, scripts: { test: 'x' } }),
      );
    }
    git(repo, 'add', '-A');
    git(repo, '-c', 'user.name=b', '-c', 'user.email=b@x', 'commit', '-qm', 'base');
    const base = git(repo, 'rev-parse', 'HEAD^{tree}');
    const options = { cwd: repo, env: { GIT_DIR: path.join(repo, '.git') } };
    const treeGit = {
      text: (args: string[]) => runGit(args, options),
      bytes: (args: string[], input: string) => runGitForBytes(args, { ...options, input }),
    };
    const rows: Record<string, number>[] = [];
    for (const touched of TOUCHED) {
      git(repo, 'checkout', '-q', '--', '.');
      for (let d = 0; d < touched; d++) {
        await writeFile(path.join(repo, 'pkg', `m${d}`, 'f0.js'), `// changed ${d}\n`);
        await writeFile(
          path.join(repo, 'pkg', `m${d}`, 'package.json'),
          JSON.stringify({ name: `m${d}`, scripts: { test: 'x', postinstall: 'y' } }),
        );
      }
      git(repo, 'add', '-A');
      const tree = git(repo, 'write-tree');
      const list: number[] = [];
      const classify: number[] = [];
      let changes = 0;
      let flagged = 0;
      for (let i = 0; i < REPEATS; i++) {
        const t0 = performance.now();
        const found = await listTreeChanges(treeGit, base, tree);
        const t1 = performance.now();
        const verdict = classifyTreeChanges(found, { allowWorkflowChanges: false });
        const t2 = performance.now();
        list.push(t1 - t0);
        classify.push(t2 - t1);
        changes = found.length;
        flagged = verdict.flagged.length;
      }
      git(repo, 'reset', '-q');
      rows.push({
        foldersTouched: touched,
        changedPaths: changes,
        flagged,
        listMedianMs: round(median(list), 1),
        classifyMedianMs: round(median(classify), 2),
      });
    }
    console.table(rows);
    const out = fileURLToPath(new URL('./results/push-review.json', import.meta.url));
    await writeFile(
      out,
      `${JSON.stringify({ machine: { cpus: cpus().length, loadavg: loadavg() }, folders: FOLDERS, rows }, null, 2)}\n`,
    );
    console.log(`wrote ${out}`);
  } finally {
    await rm(repo, { recursive: true, force: true });
  }
}

await main();

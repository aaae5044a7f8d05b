import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, realpath, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A small repository with a real bug: `add` subtracts, and `node test.js` fails until it is fixed.
 * Made fresh in a temp folder for each test, committed, so diffs and replays have a base commit.
 */
export async function createBuggyRepo(): Promise<string> {
  const root = await realpath(await mkdtemp(path.join(tmpdir(), 'handsbot-fixture-')));
  await mkdir(path.join(root, 'src'));
  await writeFile(path.join(root, 'src/math.js'), 'export function add(a, b) {\n  return a - b;\n}\n');
  await writeFile(
    path.join(root, 'test.js'),
    "import assert from 'node:assert';\nimport { add } from './src/math.js';\n\nassert.strictEqual(add(2, 3), 5);\nconsole.log('all tests passed');\n",
  );
  await writeFile(
    path.join(root, 'package.json'),
    '{ "name": "fixture", "type": "module", "private": true }\n',
  );
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: 'pipe' });
  git('init', '--quiet', '--initial-branch=main');
  git('add', '.');
  git(
    '-c',
    'user.name=fixture',
    '-c',
    'user.email=fixture@example.invalid',
    'commit',
    '--quiet',
    '-m',
    'Initial commit',
  );
  return root;
}

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The commit a run starts from, so a replay can rebuild the same starting tree. */
export async function readGitHead(repo: string): Promise<string> {
  try {
    const { stdout } = await run('git', ['rev-parse', 'HEAD'], { cwd: repo });
    return stdout.trim();
  } catch (error) {
    throw new Error(`${repo} is not a git repository with at least one commit`, { cause: error });
  }
}

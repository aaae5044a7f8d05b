import type { Workspace } from '../../src/workspace/workspace.js';
import { PermanentJobError } from '../job-errors.js';

export interface VerifyChangesInput {
  workspace: Workspace;
  /** `.github/workflows` changes are refused unless the repository's config allows them. */
  allowWorkflowChanges: boolean;
}

export interface VerifyChangesOutput {
  /** Paths the diff touches, sorted, without duplicates. */
  changedFiles: string[];
  empty: boolean;
}

const WORKFLOWS = '.github/workflows/';

/**
 * Step 4: what the agent changed, checked before anything leaves the sandbox. A change to CI
 * workflows would run with the repository's secrets on push, so it is refused unless allowed.
 */
export async function verifyChanges(input: VerifyChangesInput): Promise<VerifyChangesOutput> {
  const diff = await input.workspace.diff();
  const changedFiles = changedPaths(diff);
  const workflows = changedFiles.filter((file) => file.startsWith(WORKFLOWS));
  if (workflows.length > 0 && !input.allowWorkflowChanges) {
    throw new PermanentJobError(
      `the agent changed workflow files: ${workflows.join(', ')}`,
      `The changes touch GitHub Actions workflows (${workflows.join(', ')}), which this repository does not allow handsbot to change. Nothing was pushed.`,
    );
  }
  return { changedFiles, empty: changedFiles.length === 0 };
}

/** Paths named by `diff --git a/X b/Y` headers (both sides, so a rename out of a folder counts). */
export function changedPaths(diff: string): string[] {
  const files = new Set<string>();
  for (const match of diff.matchAll(/^diff --git a\/(.+?) b\/(.+)$/gm)) {
    if (match[1]) files.add(match[1]);
    if (match[2]) files.add(match[2]);
  }
  return [...files].sort();
}

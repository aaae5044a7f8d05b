import type { Workspace } from '../../src/workspace/workspace.js';

export interface VerifyChangesInput {
  workspace: Workspace;
}

export interface VerifyChangesOutput {
  /** Paths the diff touches, sorted, without duplicates. */
  changedFiles: string[];
  empty: boolean;
}

/**
 * Step 4: whether the agent changed anything, as its workspace shows it. Only a hint: the diff runs
 * against the checkout's own HEAD, which the agent can move, so what may be pushed is decided by the
 * push step from the worker's own git directory (`classifyTreeChanges` over the pushed tree).
 */
export async function verifyChanges(input: VerifyChangesInput): Promise<VerifyChangesOutput> {
  const diff = await input.workspace.diff();
  const changedFiles = changedPaths(diff);
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

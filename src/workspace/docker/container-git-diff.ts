import type { SandboxContainer } from './sandbox-container.js';

/**
 * `gitDiff` (../git-diff.ts) as a script run in the container: same throwaway index with untracked
 * files marked intent-to-add, same hooks turned off. It runs there, not on the host through the bind
 * mount, because the checkout's .git/config and .gitattributes are the agent's to write: a filter or
 * textconv driver it sets would run on the host as the worker.
 */
const DIFF_SCRIPT = `set -e
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export GIT_INDEX_FILE="$tmp/index" GIT_OPTIONAL_LOCKS=0
g() { git -c core.fsmonitor=false -c core.quotepath=false -c color.ui=false "$@"; }
if g rev-parse --verify --quiet 'HEAD^{commit}' >/dev/null; then
  base=HEAD
  g read-tree HEAD
else
  base=4b825dc642cb6eb9a060e54bf8d69288fbee4904
fi
g ls-files -z --others --exclude-standard >"$tmp/untracked"
if [ -s "$tmp/untracked" ]; then
  g add --intent-to-add --pathspec-from-file="$tmp/untracked" --pathspec-file-nul
fi
exec git -c core.fsmonitor=false -c core.quotepath=false -c color.ui=false diff --no-ext-diff --no-textconv --no-color "$base" --`;

export async function containerGitDiff(sandbox: SandboxContainer, root: string): Promise<string> {
  const result = await sandbox.collect(
    ['bash', '--noprofile', '--norc', '-c', DIFF_SCRIPT, 'handsbot-diff'],
    {
      workingDir: root,
    },
  );
  if (result.exitCode !== 0) {
    throw new Error(
      `git diff in the sandbox failed (${result.exitCode}): ${result.stderr.toString('utf8').trim()}`,
    );
  }
  return result.stdout.toString('utf8');
}

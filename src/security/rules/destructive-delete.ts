import { classifyPath } from '../paths/classify-path.js';
import { findSearchRoots } from '../shell/command-views.js';
import { type CommandRule, type Finding, finding, hasFlag, operands } from './rule.js';

const DELETERS = new Set(['rm', 'rmdir', 'unlink', 'shred', 'srm', 'trash', 'wipe']);

/**
 * Deletes of `/`, `~`, the whole workspace, or anything outside it. Inside the workspace (`rm -rf
 * build/`) a delete is ordinary work; in /tmp it is MEDIUM.
 */
export const destructiveDeleteRule: CommandRule = (view, context) => {
  const targets = deleteTargets(view.name, view.args);
  const findings: Finding[] = [];
  for (const target of targets) {
    const place = classifyPath(target, context.workspaceRoot, view.command.cwd);
    const match = `${view.name} ${view.args.join(' ')}`;
    if (view.name === 'mv' && !['root', 'home', 'workspace'].includes(place.place)) continue;
    // `rm /` and `rm -- -rf ~` without a recursive flag refuse a directory: they delete nothing there.
    // `rm ~/*` still deletes every file it names.
    const wholeDirectory =
      (place.place === 'root' || place.place === 'home' || place.place === 'workspace') &&
      !/\*$/.test(target) &&
      !deletesDirectories(view.name, view.args);
    if (wholeDirectory) {
      findings.push(finding('delete-directory-without-recursion', 'MEDIUM', match));
      continue;
    }
    switch (place.place) {
      case 'root':
      case 'home':
        findings.push(finding('delete-system-root', 'HIGH', match));
        break;
      case 'workspace':
        findings.push(finding('delete-workspace', 'HIGH', match));
        break;
      case 'outside':
        findings.push(finding('delete-outside-workspace', 'HIGH', match));
        break;
      case 'temp':
        findings.push(finding('delete-temp-path', 'MEDIUM', match));
        break;
      case 'unresolved':
        findings.push(
          place.emptyVariableIsRoot
            ? finding('delete-unresolved-root', 'HIGH', match)
            : finding('delete-unresolved-path', 'MEDIUM', match),
        );
        break;
      case 'inside':
        // The repository's history is not build output: losing `.git` loses all unpushed work.
        if (/(^|\/)\.git\/?$/.test(place.resolved ?? ''))
          findings.push(finding('delete-git-directory', 'MEDIUM', match));
        break;
    }
  }
  return findings;
};

/** Whether the delete removes a directory it is named: `rm -r`, `rm -R`, `rm --recursive`, `rmdir`, `find`. */
function deletesDirectories(name: string, args: readonly string[]): boolean {
  // `rmdir` only removes empty directories: `rmdir /` fails.
  if (name === 'rmdir') return false;
  if (name !== 'rm') return true;
  const dashes = args.indexOf('--');
  const options = dashes < 0 ? args : args.slice(0, dashes);
  return hasFlag(options, 'r', '--recursive') || hasFlag(options, 'R') || hasFlag(options, 'd', '--dir');
}

function deleteTargets(name: string, args: readonly string[]): string[] {
  if (DELETERS.has(name)) return operands(args);
  if (name === 'find' && args.includes('-delete')) {
    const roots = findSearchRoots(args);
    const paths = roots.length === 0 ? ['.'] : roots;
    // With tests (`-name '*.pyc'`) only matching files go: the root itself is not deleted, so a search
    // inside the workspace is ordinary; a search from `/` or `~` still reaches everything there.
    const filtered = args.some((a) =>
      /^-(i?name|i?path|i?regex|type|mtime|mmin|newer|size|empty|user|perm|wholename)$/.test(a),
    );
    return filtered ? paths.map((p) => `${p.replace(/\/$/, '')}/{}`) : paths;
  }
  // `rsync --delete src/ /` and `mv x /dev/null` remove too; `git clean` stays inside the repository.
  if (name === 'rsync' && hasFlag(args, '', '--delete', '--delete-before', '--delete-after', '--del')) {
    const dest = operands(args).at(-1);
    return dest === undefined || dest.includes(':') ? [] : [dest];
  }
  if (name === 'mv' && operands(args).at(-1) === '/dev/null') return operands(args).slice(0, -1);
  // `mv ~ /tmp/x` takes the whole folder away as surely as deleting it.
  if (name === 'mv')
    return operands(args, new Set(['-t', '--target-directory', '-S', '--suffix'])).slice(0, -1);
  return [];
}

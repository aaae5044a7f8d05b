import { classifyPath } from '../paths/classify-path.js';
import { matchSensitivePath, SECRET_VARIABLE } from '../paths/sensitive-paths.js';
import { programName } from '../shell/command-views.js';
import type { ShellWord } from '../shell/shell-ir.js';
import { type CommandRule, type Finding, finding, operands } from './rule.js';

const DUMPERS = new Set(['env', 'printenv']);
const DUMP_BUILTINS: Readonly<Record<string, RegExp>> = {
  export: /^-p$/,
  declare: /^-[a-z]*[px]/,
  typeset: /^-[a-z]*[px]/,
  set: /^$/,
  compgen: /^-e$/,
};

/**
 * Reading credentials: key and token files, `/proc/<pid>/environ`, secret-looking variables, credential
 * helpers, and dumping the whole environment (MEDIUM: it may hold secrets even when ours are kept out).
 */
export const credentialAccessRule: CommandRule = (view, context) => {
  const findings: Finding[] = [];
  const { command } = view;
  const inputs: ShellWord[] = [...view.words];
  for (const redirect of command.redirects) {
    if (redirect.target !== undefined && (redirect.op.startsWith('<') || redirect.op === '<>'))
      inputs.push(redirect.target);
  }
  for (const word of inputs) {
    const place = classifyPath(word.value, context.workspaceRoot, command.cwd);
    const hit = matchSensitivePath(word.value, place.resolved);
    if (hit !== undefined) findings.push(finding(hit.rule, hit.risk, word.raw));
  }
  const bodies = command.redirects.flatMap((r) => (r.body === undefined ? [] : [r.body]));
  for (const text of [...inputs.map((w) => w.raw), ...bodies]) {
    for (const match of text.matchAll(/\$\{?([A-Za-z_]\w*)/g)) {
      if (SECRET_VARIABLE.test(match[1] ?? '')) findings.push(finding('read-secret-env', 'HIGH', match[0]));
    }
  }
  if (view.name === 'printenv') {
    for (const name of operands(view.args)) {
      if (SECRET_VARIABLE.test(name)) findings.push(finding('read-secret-env', 'HIGH', `printenv ${name}`));
    }
  }
  if (dumpsEnvironment(view.name, view.args)) {
    const filter = command.pipedTo
      .flat()
      .find((c) => c.words.some((w) => SECRET_VARIABLE.test(w.value.replace(/^-\w+$/, ''))));
    findings.push(
      filter === undefined
        ? finding('dump-environment', 'MEDIUM', command.raw)
        : finding('read-secret-env', 'HIGH', `${command.raw} | ${filter.raw}`),
    );
  }
  const helper = credentialHelperCall(view.name, view.args);
  if (helper !== undefined) findings.push(finding('read-credentials', 'HIGH', helper));
  return findings;
};

function dumpsEnvironment(name: string, args: readonly string[]): boolean {
  if (DUMPERS.has(name)) return operands(args, new Set(['-u', '--unset'])).length === 0;
  const pattern = DUMP_BUILTINS[name];
  if (pattern === undefined) return false;
  return name === 'set' ? args.length === 0 : args.length > 0 && pattern.test(args[0] ?? '');
}

/** Tools that print a stored credential on request. */
function credentialHelperCall(name: string, args: readonly string[]): string | undefined {
  const line = `${name} ${args.join(' ')}`;
  if (
    name === 'gh' &&
    args[0] === 'auth' &&
    (args[1] === 'token' || args.includes('--show-token') || args.includes('-t'))
  )
    return line;
  // `git credential fill`, `git credential-store get`, `git credential-cache get`: the helpers print
  // the stored secret for whoever asks.
  if (name === 'git' && args.some((a) => /^credential(-\w+)?$/.test(a)) && /\b(fill|get)\b/.test(line))
    return line;
  if (programName(name).startsWith('git-credential-')) return line;
  if (name === 'aws' && args[0] === 'configure' && /\b(get|export-credentials)\b/.test(line)) return line;
  if (name === 'security' && /^find-(generic|internet)-password$/.test(args[0] ?? '')) return line;
  if (name === 'gcloud' && args.includes('print-access-token')) return line;
  if (name === 'npm' && args[0] === 'token') return line;
  return undefined;
}

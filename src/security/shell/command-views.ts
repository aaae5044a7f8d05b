import path from 'node:path';
import type { CommandView } from '../rules/rule.js';
import type { ShellCommand, ShellWord } from './shell-ir.js';

/** Programs that run another program given in their arguments, with their options that take a value. */
const WRAPPERS: Readonly<Record<string, ReadonlySet<string>>> = {
  sudo: new Set(['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U', '-T', '--user', '--group', '--chdir']),
  doas: new Set(['-u', '-C']),
  env: new Set(['-u', '-C', '--unset', '--chdir']),
  nice: new Set(['-n', '--adjustment']),
  nohup: new Set(),
  timeout: new Set(['-s', '-k', '--signal', '--kill-after']),
  time: new Set(['-f', '-o']),
  command: new Set(),
  builtin: new Set(),
  exec: new Set(['-a']),
  stdbuf: new Set(['-i', '-o', '-e']),
  ionice: new Set(['-c', '-n', '-p']),
  xargs: new Set([
    '-I',
    '-n',
    '-P',
    '-L',
    '-d',
    '-E',
    '-s',
    '-a',
    '--max-args',
    '--max-procs',
    '--delimiter',
  ]),
  watch: new Set(['-n', '-d', '--interval']),
  flock: new Set(['-w', '-E', '--timeout', '--conflict-exit-code']),
  runuser: new Set(['-u', '-g', '-G', '--user', '--group']),
  chroot: new Set(['--userspec', '--groups']),
  unbuffer: new Set(),
  proxychains: new Set(['-f']),
  proxychains4: new Set(['-f']),
  torsocks: new Set(),
  strace: new Set(['-o', '-e', '-p', '-s']),
  busybox: new Set(),
  caffeinate: new Set(),
  setsid: new Set(),
  unshare: new Set(),
  taskset: new Set(),
};

/** Wrappers whose first operand is not the program: `timeout 10 cmd`, `flock FILE cmd`, `chroot DIR cmd`. */
const SKIP_FIRST_OPERAND = new Set(['timeout', 'flock', 'chroot', 'taskset']);

export function programName(word: string): string {
  return path.posix.basename(word);
}

/**
 * Every way a rule should look at one command: the command as written, then each program a wrapper
 * runs (`sudo rm` → `sudo ...` and `rm ...`), then each `find -exec` program.
 */
export function commandViews(command: ShellCommand): CommandView[] {
  const views: CommandView[] = [];
  let words = command.words;
  const assignments = command.assignments.map((a) => ({ name: a.name, value: a.value.value }));
  for (let guard = 0; guard < 8 && words.length > 0; guard++) {
    const view = makeView(words, assignments, command);
    views.push(view);
    const options = WRAPPERS[view.name];
    if (options === undefined) break;
    // `command -v x` and `time` alone only look things up.
    if (view.name === 'command' && view.args.some((a) => a === '-v' || a === '-V')) break;
    let index = 1;
    let skipOperand = SKIP_FIRST_OPERAND.has(view.name);
    while (index < words.length) {
      const value = words[index]?.value ?? '';
      if (value === '--') {
        index++;
        break;
      }
      if (view.name === 'env' && /^\w+=/.test(value)) {
        const eq = value.indexOf('=');
        assignments.push({ name: value.slice(0, eq), value: value.slice(eq + 1) });
      } else if (value.startsWith('-') && value.length > 1) {
        if (options.has(value)) index++;
      } else if (skipOperand) {
        skipOperand = false;
      } else {
        break;
      }
      index++;
    }
    words = words.slice(index);
  }
  for (const view of [...views]) {
    if (view.name === 'find') views.push(...findExecViews(view, command));
  }
  return views;
}

function makeView(
  words: readonly ShellWord[],
  assignments: readonly { name: string; value: string }[],
  command: ShellCommand,
): CommandView {
  const [first, ...rest] = words;
  return {
    name: programName(first?.value ?? ''),
    args: rest.map((w) => w.value),
    words,
    assignments: [...assignments],
    command,
  };
}

/**
 * `find . -exec rm -rf {} +` runs `rm -rf {}`: rate that program like any other, with `{}` placed under
 * the search root so `find / -exec rm {} +` is seen to delete outside the workspace.
 */
function findExecViews(view: CommandView, command: ShellCommand): CommandView[] {
  const result: CommandView[] = [];
  const words = view.words;
  const root = findSearchRoots(view.args)[0] ?? '.';
  for (let index = 1; index < words.length; index++) {
    const flag = words[index]?.value;
    if (flag !== '-exec' && flag !== '-execdir' && flag !== '-ok' && flag !== '-okdir') continue;
    let end = index + 1;
    while (end < words.length && words[end]?.value !== ';' && words[end]?.value !== '+') end++;
    const inner = words
      .slice(index + 1, end)
      .map((w) =>
        w.value.includes('{}')
          ? { ...w, value: w.value.replaceAll('{}', `${root.replace(/\/$/, '')}/{}`) }
          : w,
      );
    if (inner.length > 0) result.push(...commandViews({ ...command, words: inner, assignments: [] }));
    index = end;
  }
  return result;
}

/** The paths `find` searches: its operands before the first test or action. */
export function findSearchRoots(args: readonly string[]): string[] {
  const roots: string[] = [];
  for (const arg of args) {
    if (arg.startsWith('-') || arg === '!' || arg === '(') break;
    roots.push(arg);
  }
  return roots;
}

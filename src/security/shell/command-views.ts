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
  coproc: new Set(),
  pkexec: new Set(['--user']),
  nsenter: new Set(['-t', '--target', '-S', '--setuid', '-G', '--setgid']),
  chrt: new Set(),
  numactl: new Set(['-C', '-N', '-m', '-i', '-p']),
  prlimit: new Set(['-p', '--pid']),
  faketime: new Set(['-f']),
  eatmydata: new Set(),
  'xvfb-run': new Set(['-a', '-n', '-s', '--server-args', '-e']),
  ltrace: new Set(['-o', '-e', '-p', '-s']),
  valgrind: new Set(),
  firejail: new Set(),
  gdb: new Set(),
};

/** Tools whose subcommand runs a program with its arguments: `uv run CMD`, `bundle exec CMD`. */
const RUNNER_SUBCOMMANDS: Readonly<Record<string, string>> = {
  uv: 'run',
  poetry: 'run',
  pipenv: 'run',
  pdm: 'run',
  hatch: 'run',
  rye: 'run',
  conda: 'run',
  mamba: 'run',
  bundle: 'exec',
  direnv: 'exec',
};

/** Wrappers whose first operand is not the program: `timeout 10 cmd`, `flock FILE cmd`, `chroot DIR cmd`. */
const SKIP_FIRST_OPERAND = new Set(['timeout', 'flock', 'chroot', 'taskset', 'chrt', 'faketime', 'direnv']);

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
  // An assignment or a redirect alone (`X=1`, `> ~/.bashrc`) is still looked at, as a nameless view.
  if (words.length === 0) return [makeView(words, assignments, command)];
  for (let guard = 0; guard < 8 && words.length > 0; guard++) {
    const view = makeView(words, assignments, command);
    views.push(view);
    const runner = Object.hasOwn(RUNNER_SUBCOMMANDS, view.name) ? RUNNER_SUBCOMMANDS[view.name] : undefined;
    if (runner !== undefined && view.args[0] === runner) {
      let index = 2;
      if (view.name === 'direnv') index++;
      while (index < words.length && (words[index]?.value ?? '').startsWith('-')) index++;
      words = words.slice(index);
      continue;
    }
    const options = Object.hasOwn(WRAPPERS, view.name) ? WRAPPERS[view.name] : undefined;
    if (options === undefined) break;
    // `coproc NAME { cmd; }` names the coprocess before its command.
    if (view.name === 'coproc') {
      const brace = words.findIndex((w) => w.value === '{');
      words = words.slice(brace >= 0 && brace <= 2 ? brace + 1 : 1);
      continue;
    }
    // `gdb --args prog args` debugs prog; any other gdb call is rated by `embedded-code.ts`.
    if (view.name === 'gdb') {
      const at = words.findIndex((w) => w.value === '--args');
      if (at < 0) break;
      words = words.slice(at + 1);
      continue;
    }
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

import type { CommandView } from '../rules/rule.js';
import { operands } from '../rules/rule.js';

/**
 * Code a command carries in its arguments and runs: a shell string (`flock -c`, `watch`, `script -c`,
 * `tar --to-command`, `git rebase -x`, `sed e`, `ssh host cmd`...), or a program in another language.
 * Each is rated as the code it is, one level deeper; text that runs but cannot be read is `opaque`.
 * Programs that run their operands as a program (`sudo`, `nice`, `xargs`...) are views instead
 * (`command-views.ts`): they take argv, not a string.
 */
export type EmbeddedCode =
  | { readonly kind: 'shell'; readonly script: string; readonly positional?: readonly string[] }
  | { readonly kind: 'opaque'; readonly why: string };

type Extractor = (view: CommandView) => EmbeddedCode[];

const shell = (script: string, positional?: readonly string[]): EmbeddedCode =>
  positional === undefined ? { kind: 'shell', script } : { kind: 'shell', script, positional };

/** Values of an option, written `-x V`, `-xV`, `--long V` or `--long=V`. */
export function optionValues(args: readonly string[], ...names: readonly string[]): string[] {
  const values: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? '';
    if (arg === '--') break;
    for (const name of names) {
      const short = /^-[a-zA-Z]$/.test(name);
      // A cluster ending in the option takes the next word: `curl -so FILE`, `sed -ne SCRIPT`.
      const cluster = short && /^-[a-zA-Z]{2,}$/.test(arg) && arg.endsWith(name.slice(1));
      if (arg === name || cluster) values.push(args[index + 1] ?? '');
      else if (name.startsWith('--') && arg.startsWith(`${name}=`)) values.push(arg.slice(name.length + 1));
      else if (
        !name.startsWith('--') &&
        arg.startsWith(name) &&
        arg.length > name.length &&
        !arg.startsWith('--')
      )
        values.push(arg.slice(name.length));
    }
  }
  return values;
}

/** The words from the first operand on: `watch -n 5 rm -rf ~` → `rm -rf ~` (its own options kept). */
export function commandAfterOptions(args: readonly string[], withValue: ReadonlySet<string>): string[] {
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? '';
    if (arg === '--') return args.slice(index + 1);
    if (!arg.startsWith('-') || arg === '-') return args.slice(index);
    if (withValue.has(arg)) index++;
  }
  return [];
}

/** `-c CMD` of `flock`, `script`, `su`, `runuser`, `sg`, also in a cluster (`script -qc CMD`). */
const dashC: Extractor = ({ args }) => [
  ...optionValues(args, '--command').map((s) => shell(s)),
  ...args.flatMap((arg, index) =>
    /^-[a-zA-Z]*c$/.test(arg) && args[index + 1] !== undefined ? [shell(args[index + 1] ?? '')] : [],
  ),
];

const EXTRACTORS: Readonly<Record<string, Extractor>> = {
  flock: dashC,
  script: dashC,
  su: dashC,
  runuser: dashC,
  sg: dashC,
  // `env -S 'rm -rf ~'` splits the string into a command line.
  env: ({ args }) => optionValues(args, '-S', '--split-string').map((s) => shell(s)),
  // `watch` joins its operands and hands them to `sh -c`.
  watch: ({ args }) => {
    const rest = commandAfterOptions(args, new Set(['-n', '--interval', '-q', '--equexit']));
    return rest.length === 0 ? [] : [shell(rest.join(' '))];
  },
  // `ssh host cmd...` runs the joined words in the remote user's shell.
  ssh: ({ args }) => {
    const rest = commandAfterOptions(
      args,
      new Set([
        '-p',
        '-i',
        '-o',
        '-l',
        '-F',
        '-J',
        '-L',
        '-R',
        '-D',
        '-b',
        '-c',
        '-e',
        '-m',
        '-S',
        '-W',
        '-E',
        '-O',
        '-Q',
        '-w',
        '-B',
        '-I',
      ]),
    );
    // `-o ProxyCommand=CMD` (and LocalCommand, KnownHostsCommand) run CMD on this machine.
    const local = optionValues(args, '-o')
      .map((o) => /^\s*(ProxyCommand|LocalCommand|KnownHostsCommand)\s*[= ]\s*(.*)$/is.exec(o)?.[2])
      .filter((c): c is string => c !== undefined && c.toLowerCase() !== 'none')
      .map((c) => shell(c));
    return rest.length < 2 ? local : [...local, shell(rest.slice(1).join(' '))];
  },
  tar: ({ args }) => [
    ...optionValues(args, '--checkpoint-action')
      .filter((a) => /^(exec|ttyout)=/.test(a) && a.startsWith('exec='))
      .map((a) => shell(a.slice('exec='.length))),
    ...optionValues(
      args,
      '--to-command',
      '--use-compress-program',
      '-I',
      '--info-script',
      '-F',
      '--new-volume-script',
    ).map((s) => shell(s)),
  ],
  rsync: ({ args }) => optionValues(args, '-e', '--rsh', '--rsync-path').map((s) => shell(s)),
  git: gitCode,
  sed: sedCode,
  gsed: sedCode,
  // `parallel CMD ::: ARGS` runs CMD with each argument appended (or put in place of `{}`).
  parallel: ({ args }) => {
    const separator = args.findIndex((a) => a === ':::' || a === '::::' || a === ':::+');
    const before = separator < 0 ? args : args.slice(0, separator);
    const command = commandAfterOptions(
      before,
      new Set(['-j', '--jobs', '-S', '--sshlogin', '-a', '--arg-file']),
    );
    if (command.length === 0) return [];
    const inputs = separator < 0 ? [] : args.slice(separator + 1).filter((a) => !a.startsWith(':::'));
    const script = command.join(' ');
    if (inputs.length === 0) return [shell(script)];
    return inputs
      .slice(0, 8)
      .map((input) => shell(script.includes('{}') ? script.replaceAll('{}', input) : `${script} ${input}`));
  },
  gdb: ({ args }) =>
    optionValues(args, '-ex', '--ex', '-eval-command', '--eval-command').flatMap(debuggerCommand),
  vim: editorCode,
  vi: editorCode,
  nvim: editorCode,
  ex: editorCode,
  awk: awkCode,
  gawk: awkCode,
  mawk: awkCode,
  nawk: awkCode,
  // `alias ls='rm -rf ~'`: a definition is rated as what it will run.
  alias: ({ args }) =>
    args.filter((a) => a.includes('=') && !a.startsWith('-')).map((a) => shell(a.slice(a.indexOf('=') + 1))),
  // `trap 'rm -rf ~' EXIT` runs its first operand later; `trap - EXIT` and `trap -p` only reset or list.
  trap: ({ args }) => {
    const [action] = operands(args);
    return action === undefined || action === '-' || args.includes('-p') || args.includes('-l')
      ? []
      : [shell(action)];
  },
  // `bind -x '"\C-a": cmd'` runs cmd on a key; `complete -C cmd` on every completion.
  bind: ({ args }) => optionValues(args, '-x').map((s) => shell(s.replace(/^\s*"[^"]*"\s*:\s*/, ''))),
  complete: ({ args }) => optionValues(args, '-C').map((s) => shell(s)),
};

export function embeddedCode(view: CommandView): EmbeddedCode[] {
  const extract = Object.hasOwn(EXTRACTORS, view.name) ? EXTRACTORS[view.name] : undefined;
  return extract === undefined ? [] : extract(view);
}

/** `git rebase -x CMD`, `git bisect run CMD...`, `git submodule foreach CMD`. Config keys: `git-commands.ts`. */
function gitCode({ args }: CommandView): EmbeddedCode[] {
  const subIndex = args.findIndex(
    (a, i) => !a.startsWith('-') && !['-c', '-C', '--git-dir', '--work-tree'].includes(args[i - 1] ?? ''),
  );
  const sub = args[subIndex];
  const rest = args.slice(subIndex + 1);
  if (sub === 'rebase') return optionValues(rest, '-x', '--exec').map((s) => shell(s));
  if (sub === 'bisect' && rest[0] === 'run') return rest.length > 1 ? [shell(rest.slice(1).join(' '))] : [];
  if (sub === 'submodule' && rest.includes('foreach')) {
    const command = operands(rest.slice(rest.indexOf('foreach') + 1));
    return command.length === 0 ? [] : [shell(command.join(' '))];
  }
  return [];
}

/**
 * sed's `e` command runs its text (or the pattern space) as a shell command, and `s///e` runs the
 * result of the substitution. The replacement is rated as the command; what the pattern space holds
 * comes from the input, which we cannot read, so `s///e` is opaque too.
 */
function sedCode({ args }: CommandView): EmbeddedCode[] {
  const scripts = optionValues(args, '-e', '--expression');
  if (scripts.length === 0 && !args.some((a) => a === '-f' || a.startsWith('--file'))) {
    const first = operands(args, new Set(['-l', '--line-length']))[0];
    if (first !== undefined) scripts.push(first);
  }
  const found: EmbeddedCode[] = [];
  for (const script of scripts) {
    for (const line of script.split(/[\n;]/)) {
      const command = /^\s*(?:\d+|\$|\/[^/]*\/)?(?:,\s*(?:\d+|\$|\/[^/]*\/))?\s*!?\s*e(?:\s+(.*))?$/.exec(
        line,
      );
      if (command !== null)
        found.push(command[1] === undefined ? { kind: 'opaque', why: `sed e: ${line}` } : shell(command[1]));
      const substitution = /s(.)((?:(?!\1).|\\.)*)\1((?:(?!\1).|\\.)*)\1([a-zA-Z0-9]*)/.exec(line);
      if (substitution?.[4]?.includes('e')) {
        found.push(shell(substitution[3] ?? ''), { kind: 'opaque', why: `sed s///e: ${line}` });
      }
    }
  }
  return found;
}

/** gdb `-ex 'shell cmd'` or `-ex '!cmd'`; other commands (`call system(...)`, `python ...`) cannot be read. */
function debuggerCommand(command: string): EmbeddedCode[] {
  const match = /^\s*(?:shell\s+|!)(.*)$/s.exec(command);
  if (match !== null) return [shell(match[1] ?? '')];
  return /\b(call|print|python|pi|source|pipe|\|)\b|system|popen/.test(command)
    ? [{ kind: 'opaque', why: `gdb: ${command}` }]
    : [];
}

/** vim `-c CMD`, `+CMD`, `--cmd CMD`: `!cmd`, `r !cmd`, `w !cmd`, `silent !cmd` run a shell. */
function editorCode({ args }: CommandView): EmbeddedCode[] {
  const commands = [
    ...optionValues(args, '-c', '--cmd'),
    ...args.filter((a) => a.startsWith('+') && a.length > 1 && !/^\+\d+$/.test(a)).map((a) => a.slice(1)),
  ];
  return commands.flatMap((command) => {
    const found: EmbeddedCode[] = [];
    // `!` takes the rest of the line, `|` included; before it, `|` separates ex commands.
    for (const part of command.split('|')) {
      const bang =
        /^\s*:*\s*(?:silent!?\s+|exe(?:cute)?\s+)?(?:\d*,?\d*\s*)?(?:r(?:ead)?\s*|w(?:rite)?\s*)?!/.exec(
          part,
        );
      if (bang !== null) {
        const start = command.indexOf(part) + bang[0].length;
        found.push(shell(command.slice(start)));
        break;
      }
      if (
        /\b(system|systemlist|py3?|python3?|pyx|lua|perl|ruby|terminal|term|source|so|call|exe(cute)?)\b/.test(
          part,
        )
      )
        found.push({ kind: 'opaque', why: `vim: ${part}` });
    }
    return found;
  });
}

/**
 * awk runs a shell for `system(CMD)`, `CMD | getline` and `print | CMD`. A command written as one
 * string literal is rated; one built at run time (`system("r" "m " x)`) cannot be read.
 */
function awkCode({ args }: CommandView): EmbeddedCode[] {
  if (args.includes('-f')) return [];
  const program = operands(args, new Set(['-F', '-v', '--field-separator', '--assign']))[0];
  if (program === undefined) return [];
  const found: EmbeddedCode[] = [];
  const literal = '"((?:[^"\\\\]|\\\\.)*)"';
  const calls = [
    /\bsystem\s*\(\s*([^)]*)\)/g,
    new RegExp(`(${literal}|[\\w$]+)\\s*\\|\\s*getline`, 'g'),
    new RegExp(`(?<!\\|)\\|&?(?!\\|)\\s*(${literal}|[\\w$(][^;}]*)`, 'g'),
  ];
  for (const pattern of calls) {
    for (const match of program.matchAll(pattern)) {
      const expression = (match[1] ?? '').trim();
      if (/\|\s*getline/.test(match[0]) && pattern !== calls[1]) continue;
      const whole = new RegExp(`^${literal}$`).exec(expression);
      const command = whole === null ? undefined : (whole[1] ?? '').replace(/\\(.)/g, '$1');
      // `print "rm -rf ~" | "sh"`: what is printed into a shell is code we do not follow.
      if (command !== undefined && pattern === calls[2] && /^\s*(ba|da|z|k)?sh\s*$/.test(command))
        found.push({ kind: 'opaque', why: `awk prints into a shell: ${match[0]}` });
      else if (command !== undefined) found.push(shell(command));
      else if (expression !== '') found.push({ kind: 'opaque', why: `awk: ${match[0]}` });
    }
  }
  return found;
}

import { type CommandView, operands } from '../rules/rule.js';

export const SHELLS = new Set([
  'sh',
  'bash',
  'zsh',
  'dash',
  'ksh',
  'mksh',
  'ash',
  'fish',
  'tcsh',
  'csh',
  'rbash',
  'pwsh',
  'powershell',
]);

/** Interpreters and the option that takes a program text on the command line. */
const CODE_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  python: ['-c'],
  node: ['-e', '--eval', '-p', '--print'],
  nodejs: ['-e', '--eval', '-p', '--print'],
  bun: ['-e', '--eval', '-p', '--print'],
  deno: ['eval'],
  perl: ['-e', '-E'],
  ruby: ['-e'],
  php: ['-r'],
  lua: ['-e'],
  osascript: ['-e'],
  awk: [],
};

/** `python3.12` → `python`, `perl5.36` → `perl`: versioned names are the same interpreter. */
export function interpreterFamily(name: string): string {
  if (/^[gmn]?awk$/.test(name)) return 'awk';
  const match = /^(python|pypy|perl|ruby|php|node|lua)[\d.]*$/.exec(name);
  if (match?.[1] === 'pypy') return 'python';
  return match?.[1] ?? name;
}

export function isShell(name: string): boolean {
  return SHELLS.has(name);
}

export function isCodeInterpreter(name: string): boolean {
  return interpreterFamily(name) in CODE_OPTIONS || isShell(name);
}

/** The program text a shell is given with `-c` (also in clusters: `bash -lc`, `sh -ec`). */
export function shellCommandString(view: CommandView): string | undefined {
  return shellInvocation(view)?.script;
}

/**
 * `bash -c SCRIPT [NAME [ARGS...]]`: the script and the `$1`, `$@`... it gets, so
 * `sh -c '"$@"' sh rm -rf ~` is seen to run `rm -rf ~`.
 */
export function shellInvocation(
  view: CommandView,
): { script: string; positional: readonly string[] } | undefined {
  if (!isShell(view.name)) return undefined;
  const { args } = view;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? '';
    if (arg === '--') return undefined;
    if (/^-[a-zA-Z]*c[a-zA-Z]*$/.test(arg) && !arg.startsWith('--')) {
      const script = args[index + 1];
      return script === undefined ? undefined : { script, positional: args.slice(index + 3) };
    }
    if (!arg.startsWith('-') && !arg.startsWith('+')) return undefined;
    if (arg === '-o' || arg === '+o' || arg === '-O' || arg === '+O') index++;
  }
  return undefined;
}

/** The program text of a one-liner: `python -c CODE`, `node -e CODE`, `perl -e CODE`, `deno eval CODE`. */
export function inlineCode(view: CommandView): { code: string; language: string } | undefined {
  const language = interpreterFamily(view.name);
  const options = CODE_OPTIONS[language];
  if (options === undefined) return undefined;
  const { args } = view;
  if (language === 'awk') {
    // awk's program is its first operand, unless `-f` names a file; its `system()` runs a shell.
    if (args.includes('-f')) return undefined;
    const code = operands(args, new Set(['-F', '-v', '--field-separator', '--assign']))[0];
    return code === undefined ? undefined : { code, language };
  }
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? '';
    if (options.includes(arg)) {
      const code = args[index + 1];
      return code === undefined ? undefined : { code, language };
    }
    // `-c'code'` glued, or a cluster such as `perl -ne`, `python -Bc`.
    const glued = options.find(
      (o) => o.length === 2 && arg.startsWith('-') && !arg.startsWith('--') && arg.endsWith(o[1] ?? ''),
    );
    if (glued !== undefined && /^-[a-zA-Z]+$/.test(arg)) {
      const code = args[index + 1];
      return code === undefined ? undefined : { code, language };
    }
    if (!arg.startsWith('-')) return undefined;
  }
  return undefined;
}

/**
 * Whether the program reads the code it runs from stdin: a shell or interpreter with no script
 * operand (`curl x | sh`, `... | python3 -`, `bash -s -- args`). `| python3 -m json.tool` and
 * `| python3 script.py` read data, not code.
 */
export function readsCodeFromStdin(view: CommandView): boolean {
  const family = interpreterFamily(view.name);
  if (view.name === 'source' || view.name === '.') {
    return view.args.some((a) => a === '/dev/stdin' || a === '-' || a === '/proc/self/fd/0');
  }
  if (!isShell(view.name) && !(family in CODE_OPTIONS)) return false;
  if (family === 'awk' || family === 'deno') return false;
  if (shellCommandString(view) !== undefined || inlineCode(view) !== undefined) return false;
  for (const arg of view.args) {
    if (
      arg === '-' ||
      arg === '/dev/stdin' ||
      arg === '-s' ||
      (isShell(view.name) && /^-[a-z]*s[a-z]*$/.test(arg))
    )
      return true;
    if (arg === '-m' || arg === '--') return false;
    if (!arg.startsWith('-')) return false;
  }
  return true;
}

import { expandFields } from './expand-fields.js';
import type { ShellCommand, ShellWord } from './shell-ir.js';
import { outputText } from './stdin-text.js';
import { fieldSeparators, literal, setVariable, type WalkState } from './walk-state.js';

/**
 * Builtins that set variables or positional parameters in ways an assignment does not show:
 * `printf -v NAME ...`, `read [-a] NAME <<< text`, `set -- args`, `shift`, `unset NAME`. Following them
 * is what turns `printf -v r '\x72\x6d'; $r -rf ~` into `rm -rf ~`; what cannot be followed leaves
 * the variable unknown, so a command named by it is rated UNKNOWN.
 */
export function trackShellState(command: ShellCommand, st: WalkState): void {
  const [name, ...args] = command.words;
  if (name === undefined || name.dynamic) return;
  switch (name.value) {
    case 'printf':
      trackPrintf(command, args, st);
      return;
    case 'read':
    case 'mapfile':
    case 'readarray':
      trackRead(command, name.value, args, st);
      return;
    case 'set': {
      const dashes = args.findIndex((a) => a.value === '--');
      if (dashes >= 0) st.positional = args.slice(dashes + 1);
      return;
    }
    case 'shift': {
      const count = Number(args[0]?.value ?? 1);
      st.positional =
        st.positional === undefined || !Number.isInteger(count) ? undefined : st.positional.slice(count);
      return;
    }
    case 'unset':
      for (const arg of args) if (!arg.value.startsWith('-')) setVariable(st, arg.value, scalar(''));
      return;
    default:
      return;
  }
}

const scalar = (value: string) => ({ kind: 'scalar' as const, word: literal(value) });

function trackPrintf(command: ShellCommand, args: readonly ShellWord[], st: WalkState): void {
  const flag = args.findIndex((a) => a.value === '-v');
  const target = args[flag + 1];
  if (flag < 0 || target === undefined) return;
  const rest = args.slice(flag + 2);
  const printed = rest.some((a) => a.dynamic)
    ? undefined
    : outputText({ ...command, words: [literal('printf'), ...rest] });
  setVariable(
    st,
    target.value,
    printed === undefined ? { kind: 'ambiguous' } : { kind: 'scalar', word: literal(printed) },
  );
}

function trackRead(command: ShellCommand, builtin: string, args: readonly ShellWord[], st: WalkState): void {
  const names: string[] = [];
  let arrayName: string | undefined;
  for (let index = 0; index < args.length; index++) {
    const value = args[index]?.value ?? '';
    if (value === '-a') arrayName = args[++index]?.value;
    else if (/^-[a-zA-Z]*a$/.test(value)) arrayName = args[++index]?.value;
    else if (/^-[dinNptu]$/.test(value)) index++;
    else if (!value.startsWith('-')) names.push(value);
  }
  if (builtin !== 'read') arrayName = names.pop() ?? 'MAPFILE';
  const body = command.redirects.find((r) => r.body !== undefined)?.body;
  // `IFS=_ read -ra a` splits on `_` for this read only.
  const prefix = command.assignments.find((a) => a.name === 'IFS')?.value;
  const ifs = prefix === undefined ? fieldSeparators(st) : prefix.dynamic ? undefined : prefix.value;
  const known = body !== undefined && command.pipedFrom.length === 0 && ifs !== undefined;
  const split = (line: string): string[] => [
    ...expandFields([{ text: line, mode: 'split' }], ifs ?? ' \t\n').fields,
  ];
  if (arrayName !== undefined) {
    const elements =
      builtin === 'read' ? split(body?.split('\n')[0] ?? '') : (body ?? '').replace(/\n$/, '').split('\n');
    setVariable(
      st,
      arrayName,
      known ? { kind: 'array', elements: elements.map(literal) } : { kind: 'ambiguous' },
    );
  }
  // `read a b` gives each name a field and the last one the rest of the line.
  const line = (body?.split('\n')[0] ?? '').trim();
  const words = split(line);
  const separator = (ifs ?? ' ')[0] ?? ' ';
  names.forEach((variable, index) => {
    const value = index === names.length - 1 ? words.slice(index).join(separator) : (words[index] ?? '');
    setVariable(st, variable, known ? scalar(value) : { kind: 'ambiguous' });
  });
  if (builtin === 'read' && names.length === 0 && arrayName === undefined)
    setVariable(st, 'REPLY', known ? scalar(line) : { kind: 'ambiguous' });
}

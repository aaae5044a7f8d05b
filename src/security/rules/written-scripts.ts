import { isShell } from '../shell/interpreters.js';
import { DECODERS, DOWNLOADERS } from '../shell/program-sets.js';
import { outputText } from '../shell/stdin-text.js';
import {
  type CommandView,
  type Finding,
  finding,
  operands,
  type RuleContext,
  type WrittenFile,
} from './rule.js';

const strip = (value: string): string => value.replace(/^\.\//, '');

/**
 * A script written to a file and run in a later command is rated like one run directly:
 * `curl -o x.sh URL && sh x.sh` is a download run, `echo .. | base64 -d > x.sh; sh x.sh` a decoded
 * payload run, `echo 'rm -rf /' > x.sh; bash x.sh` runs `rm -rf /`.
 */
export function writtenScriptFindings(view: CommandView, runsCode: boolean, context: RuleContext): Finding[] {
  const candidates = [view.words[0]?.value ?? ''];
  const target = operands(view.args)[0];
  if (target !== undefined && (runsCode || target.startsWith('./'))) candidates.push(target);
  const findings: Finding[] = [];
  for (const candidate of candidates) {
    const written = context.writtenFiles.get(strip(candidate));
    if (written === undefined) continue;
    if (written.origin === 'download') findings.push(finding('download-exec', 'HIGH', view.command.raw));
    if (written.origin === 'decoded') findings.push(finding('obfuscated-exec', 'HIGH', view.command.raw));
    if (written.text !== undefined) {
      const shell =
        isShell(view.name) ||
        view.name === 'source' ||
        view.name === '.' ||
        candidate === view.words[0]?.value;
      findings.push(
        ...(shell ? context.rateEmbedded(written.text) : context.rateCode(written.text, view.name)),
      );
    }
  }
  return findings;
}

/** Remembers the files this command writes and what is known about their content. */
export function recordWrites(view: CommandView, written: Map<string, WrittenFile>): void {
  const { name, args, command } = view;
  const origin: WrittenFile['origin'] = DOWNLOADERS.has(name)
    ? 'download'
    : DECODERS.has(name)
      ? 'decoded'
      : 'text';
  const text = origin === 'download' ? undefined : outputText(command);
  const remember = (file: string | undefined): void => {
    if (file === undefined || file === '' || file === '-') return;
    if (origin === 'text' && text === undefined) written.delete(strip(file));
    else written.set(strip(file), { origin, text });
  };
  if (origin === 'download') {
    for (let index = 0; index < args.length; index++) {
      const arg = args[index] ?? '';
      if (/^(-o|-O|--output|--output-document)$/.test(arg)) remember(args[index + 1]);
      else if (/^--output(-document)?=/.test(arg)) remember(arg.slice(arg.indexOf('=') + 1));
    }
    const url = args.find((a) => /^https?:\/\//.test(a));
    // `wget URL` and `curl -O URL` save under the URL's last path segment.
    if (
      url !== undefined &&
      ((name === 'wget' && !args.includes('-O')) || (name === 'curl' && args.includes('-O')))
    ) {
      remember(url.split('/').pop());
    }
  }
  if (view.words !== command.words) return;
  for (const redirect of command.redirects) {
    if ((redirect.op === '>' || redirect.op === '>>') && redirect.target !== undefined)
      remember(redirect.target.value);
  }
}

import { rateWrittenPath } from '../paths/rate-written-path.js';
import { commandsInWrittenFile } from '../paths/written-code.js';
import { optionValues } from '../shell/embedded-code.js';
import { outputText, stdinText } from '../shell/stdin-text.js';
import { type CommandRule, type Finding, finding, operands } from './rule.js';

/** Block and memory devices: writing them destroys a disk or the running system. */
export const RAW_DEVICE =
  /^\/dev\/(sd|hd|vd|xvd|nvme|mmcblk|loop|dm-|md|sr|disk|rdisk|mapper\/|mem$|kmem$|port$)/;
const HARMLESS_TARGET = /^(\/dev\/(null|zero|stdout|stderr|tty|fd\/\d+|shm\/.*|(u)?random|full))$|^&?\d*-?$/;
const COPIERS = new Set(['cp', 'mv', 'install', 'ln', 'rsync']);

/**
 * Where a command writes: redirects, `tee`, `cp`/`mv`/`install`/`ln` destinations, `sed -i` and
 * `dd of=` targets. Each target is rated like a file edit (CI workflows, hooks, git config, registry
 * config, system and startup files), and raw devices are HIGH.
 */
export const fileWritesRule: CommandRule = (view, context) => {
  const findings: Finding[] = [];
  const { command } = view;
  const targets: string[] = [];
  // Redirects belong to the command, not to each wrapper view: rate them on the outermost view only.
  if (view.words === command.words || command.words.length === 0) {
    for (const redirect of command.redirects) {
      if (redirect.target === undefined || redirect.body !== undefined) continue;
      if (
        /^[0-9]*(>|>>|&>|&>>|>\||<>)$/.test(redirect.op) ||
        (redirect.op === '>&' && !/^\d+$/.test(redirect.target.value))
      ) {
        targets.push(redirect.target.value);
      }
    }
  }
  const written = targets.length > 0 ? outputText(command) : undefined;
  const teed = view.name === 'tee' ? stdinText(command) : undefined;
  const contents = new Map<string, string | undefined>(targets.map((t) => [t, written]));
  for (const target of writeOperands(view.name, view.args)) {
    targets.push(target);
    contents.set(target, teed);
  }
  for (const target of targets) {
    // A package script or Makefile recipe the command spells out runs on the next `npm test`/`make`.
    const content = contents.get(target);
    if (content !== undefined) {
      for (const script of commandsInWrittenFile(target, content) ?? [])
        findings.push(...context.rateEmbedded(script));
    }
    if (HARMLESS_TARGET.test(target) || /^\/dev\/(tcp|udp)\//.test(target)) continue;
    if (RAW_DEVICE.test(target)) {
      findings.push(finding('raw-device-write', 'HIGH', `${view.name} ${target}`.trim()));
      continue;
    }
    findings.push(...rateWrittenPath(target, context.workspaceRoot, command.cwd, 'shell', undefined));
  }
  return findings;
};

function writeOperands(name: string, args: readonly string[]): string[] {
  if (name === 'tee') return operands(args);
  if (COPIERS.has(name)) {
    const targetDir = args.findIndex((a) => a === '-t' || a === '--target-directory');
    if (targetDir >= 0) return [args[targetDir + 1] ?? ''];
    const paths = operands(
      args,
      new Set(['-S', '--suffix', '-m', '--mode', '-o', '--owner', '-g', '--group', '-e']),
    );
    return paths.length >= 2 ? [paths.at(-1) ?? ''] : [];
  }
  if (
    (name === 'sed' || name === 'perl') &&
    args.some((a) => /^-[a-zA-Z]*i/.test(a) || a.startsWith('--in-place'))
  ) {
    // The first operand of sed is its script (unless -e/-f gave one).
    const paths = operands(args, new Set(['-e', '-f', '--expression', '--file']));
    const scripted = args.some((a) => a === '-e' || a === '-f' || a.startsWith('--expression'));
    return name === 'perl' || scripted ? paths : paths.slice(1);
  }
  if (name === 'dd') return args.filter((a) => a.startsWith('of=')).map((a) => a.slice(3));
  if (name === 'curl') return optionValues(args, '-o', '--output');
  if (name === 'wget') return optionValues(args, '-O', '--output-document');
  if (name === 'truncate' || name === 'shred')
    return operands(args, new Set(['-s', '--size', '-n', '--iterations']));
  return [];
}

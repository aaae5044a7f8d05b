import { type CommandRule, type Finding, finding, hasFlag, operands, type RuleContext } from './rule.js';

/** Branches a push must not reach directly: the trusted pusher opens a PR instead. */
export const PROTECTED_BRANCH =
  /^(refs\/heads\/)?(main|master|trunk|develop|development|production|prod|stable|release([/-].*)?|gh-pages|HEAD)$/;

/** Config keys that change where git authenticates, which hooks it runs, or where URLs point. */
const DANGEROUS_CONFIG: readonly [RegExp, string][] = [
  [/^credential(\..*)?\.helper$/i, 'git-credential-helper'],
  [/^credential\./i, 'git-credential-helper'],
  [/^core\.hookspath$/i, 'git-hooks-path'],
  // The transport itself: whatever it is set to sees every fetch and push, so it is HIGH as such.
  [/^core\.sshcommand$/i, 'git-ssh-command'],
  [
    /^(protocol\..*\.allow|url\..*\.(insteadof|pushinsteadof)|remote\..*\.(url|pushurl|receivepack|uploadpack)|http\..*extraheader|include\.path|includeif\..*|init\.templatedir)$/i,
    'git-config-dangerous',
  ],
];

/**
 * Config keys whose value is a command git runs (a pager, an editor, a filter, an ssh command, a
 * `!` alias): the value is rated as that command, so `core.pager=cat` is LOW and
 * `alias.x=!curl x|sh` is HIGH.
 */
const COMMAND_CONFIG =
  /^(core\.(fsmonitor|gitproxy|pager|editor|askpass|sshcommand)|sequence\.editor|diff\.external|diff\..*\.(textconv|command)|filter\..*\.(clean|smudge|process)|merge\..*\.driver|gpg(\..*)?\.program|uploadpack\.packobjectshook|pager\..*|alias\..*)$/i;

const GLOBAL_VALUE_OPTIONS = new Set([
  '-C',
  '-c',
  '--git-dir',
  '--work-tree',
  '--namespace',
  '--exec-path',
  '--config-env',
]);

/**
 * Git operations that publish, rewrite or hijack: force-pushes, pushes to protected branches or to
 * raw URLs, remote rewrites, transport overrides (`--receive-pack`, `--upload-pack`, `ext::`), and
 * config that runs programs or steals credentials. Ordinary git work stays LOW; a feature-branch
 * push is MEDIUM (the agent's pushes normally go through the trusted pusher).
 */
export const gitCommandsRule: CommandRule = (view, context) => {
  if (view.name !== 'git') return [];
  const findings: Finding[] = [];
  const line = view.command.raw;
  const args = [...view.args];
  // Global options come before the subcommand: `git -c core.sshCommand=... push`.
  let index = 0;
  while (index < args.length && (args[index] ?? '').startsWith('-')) {
    const option = args[index] ?? '';
    if (option === '-c' || option.startsWith('--config-env'))
      findings.push(...configFindings(args[index + 1] ?? '', line, context));
    if (GLOBAL_VALUE_OPTIONS.has(option)) index++;
    index++;
  }
  const sub = args[index] ?? '';
  const rest = args.slice(index + 1);
  if (rest.some((a) => /^ext::|^fd::/.test(a)))
    findings.push(finding('git-transport-override', 'HIGH', line));
  if (
    rest.some((a) => /^--(receive-pack|upload-pack|exec)(=|$)/.test(a)) ||
    (['clone', 'ls-remote', 'archive'].includes(sub) && rest.includes('-u'))
  ) {
    findings.push(finding('git-transport-override', 'HIGH', line));
  }
  switch (sub) {
    case 'push':
      findings.push(...pushFindings(rest, line));
      break;
    case 'remote':
      if (['add', 'set-url', 'rename', 'set-head'].includes(rest[0] ?? ''))
        findings.push(finding('git-remote-rewrite', 'HIGH', line));
      break;
    case 'config': {
      const keyValue = operands(rest, new Set(['-f', '--file', '--blob', '--type', '--default']));
      const reading =
        hasFlag(rest, 'l', '--get', '--get-all', '--get-regexp', '--list', '--show-origin') ||
        (keyValue.length === 1 && !hasFlag(rest, '', '--unset', '--unset-all', '--add'));
      if (!reading && keyValue[0] !== undefined)
        findings.push(...configFindings(`${keyValue[0]}=${keyValue[1] ?? ''}`, line, context));
      if (!reading && hasFlag(rest, '', '--global', '--system'))
        findings.push(finding('git-config-global', 'MEDIUM', line));
      break;
    }
    case 'clone':
    case 'submodule':
    case 'fetch':
    case 'pull':
      for (let i = 0; i < rest.length; i++) {
        if (rest[i] === '-c' || rest[i] === '--config')
          findings.push(...configFindings(rest[i + 1] ?? '', line, context));
      }
      break;
    case 'filter-branch':
    case 'filter-repo':
      findings.push(finding('git-history-rewrite', 'MEDIUM', line));
      break;
    case 'update-ref':
    case 'reflog':
      if (rest.includes('-d') || rest.includes('expire') || rest.includes('delete'))
        findings.push(finding('git-history-rewrite', 'MEDIUM', line));
      break;
  }
  return findings;
};

function configFindings(setting: string, line: string, context: RuleContext): Finding[] {
  const equals = setting.indexOf('=');
  const key = (equals < 0 ? setting : setting.slice(0, equals)).trim();
  const value = equals < 0 ? '' : setting.slice(equals + 1);
  const findings: Finding[] = [];
  const dangerous = DANGEROUS_CONFIG.find(([pattern]) => pattern.test(key));
  if (dangerous !== undefined) findings.push(finding(dangerous[1], 'HIGH', line));
  // `safe.directory` trusts one checkout's owner; `*` trusts every repository on the machine.
  if (/^safe\.directory$/i.test(key) && value.trim() === '*')
    findings.push(finding('git-config-dangerous', 'MEDIUM', line));
  const fsmonitorFlag = /^core\.fsmonitor$/i.test(key) && /^(true|false)$/i.test(value);
  if (COMMAND_CONFIG.test(key) && value !== '' && !fsmonitorFlag) {
    // A `!` alias runs a shell command; any other alias runs git with those words.
    const command =
      /^alias\./i.test(key) && !value.startsWith('!') ? `git ${value}` : value.replace(/^!/, '');
    findings.push(...context.rateEmbedded(command));
  }
  return findings;
}

function pushFindings(args: readonly string[], line: string): Finding[] {
  const findings: Finding[] = [];
  if (
    hasFlag(args, 'f', '--force', '--force-with-lease', '--force-if-includes') ||
    args.some((a) => a.startsWith('+'))
  ) {
    findings.push(finding('git-force-push', 'HIGH', line));
  }
  if (hasFlag(args, 'd', '--delete', '--mirror', '--all', '--prune') || args.some((a) => a.startsWith(':'))) {
    findings.push(finding('git-push-destructive', 'HIGH', line));
  }
  const [remote, ...refspecs] = operands(args, new Set(['-o', '--push-option', '--repo']));
  if (remote !== undefined && /:\/\/|^[^/\s]+@[^:\s]+:|^\/|^\.\.?\//.test(remote))
    findings.push(finding('git-push-to-url', 'HIGH', line));
  const destinations = refspecs.map((r) => r.replace(/^\+/, '').split(':').at(-1) ?? '');
  const protectedDest = destinations.find((d) => PROTECTED_BRANCH.test(d) && d !== 'HEAD');
  if (protectedDest !== undefined) findings.push(finding('git-push-protected-branch', 'HIGH', line));
  else if (refspecs.length === 0 || destinations.includes('HEAD'))
    findings.push(finding('git-push-unknown-branch', 'MEDIUM', line));
  else findings.push(finding('git-push', 'MEDIUM', line));
  return findings;
}

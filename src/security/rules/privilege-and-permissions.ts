import { classifyPath, SYSTEM_PATH } from '../paths/classify-path.js';
import { isShell } from '../shell/interpreters.js';
import { type CommandRule, type Finding, finding, hasFlag, operands } from './rule.js';

const ESCALATORS = new Set([
  'sudo',
  'su',
  'doas',
  'pkexec',
  'runuser',
  'sudoedit',
  'chroot',
  'nsenter',
  'unshare',
  'capsh',
]);
const ACCOUNT_TOOLS = new Set([
  'useradd',
  'usermod',
  'userdel',
  'adduser',
  'deluser',
  'groupadd',
  'groupmod',
  'gpasswd',
  'passwd',
  'chpasswd',
  'visudo',
  'vipw',
  'chsh',
]);
/**
 * Variables that make every program load attacker code, replace git's transport or change where git
 * finds its config. Variables whose value is a command (`PAGER`, `GIT_EDITOR`...) are also rated as
 * that command (`code-execution.ts`); `NODE_OPTIONS`, `RUBYOPT` and `ENV` depend on their value or on
 * the program they reach.
 */
const INJECTED_VARIABLES =
  /^(LD_PRELOAD|LD_AUDIT|LD_LIBRARY_PATH|DYLD_INSERT_LIBRARIES|BASH_ENV|GIT_SSH|GIT_SSH_COMMAND|GIT_PROXY_COMMAND|GIT_EXEC_PATH|GIT_CONFIG_PARAMETERS|GIT_CONFIG_COUNT|GIT_CONFIG_GLOBAL|GIT_CONFIG_SYSTEM|GIT_TEMPLATE_DIR|PYTHONSTARTUP|PERL5OPT|PYTHONINSPECT)$/;
/** Node options that load or run code: `--max-old-space-size` does not, `--require x` does. */
const NODE_CODE_OPTIONS =
  /(^|\s)(-r|--require|--import|--loader|--experimental-loader|-e|--eval|-p|--print)(\s|=|$)/;
/** Ruby options that load code (`-rlib`), as opposed to `-W0` or `--jit`. */
const RUBY_CODE_OPTIONS = /(^|\s)-(r|I|e)/;

/**
 * Privilege and permission changes: `sudo`/`su`, world-writable or setuid modes, ownership changes on
 * system paths, account changes, capabilities, and environment variables that inject code.
 */
export const privilegeRule: CommandRule = (view, context) => {
  const findings: Finding[] = [];
  const { name, args, command } = view;
  const line = command.raw;
  if (ESCALATORS.has(name)) findings.push(finding('privilege-escalation', 'HIGH', line));
  if (ACCOUNT_TOOLS.has(name)) findings.push(finding('account-change', 'HIGH', line));
  if (name === 'setcap' || name === 'chattr') findings.push(finding('permission-change', 'HIGH', line));
  if (name === 'chmod') {
    const [mode = '', ...paths] = operands(args, new Set(['--reference']));
    const broad =
      /(^|[^0-7])[0-7]?[0-7][0-7][2367]$/.test(mode) ||
      /^[0-7]?777$/.test(mode) ||
      /(^|,)[ao]*[+=][rwxX]*w/.test(mode) ||
      (/^[ugoa]*\+[rwx]*$/.test(mode) && mode.startsWith('o'));
    const setuid = /^[2-7][0-7]{3}$/.test(mode) || /[+=][rwxX]*[st]/.test(mode);
    if (broad || setuid) findings.push(finding('permission-change', 'HIGH', line));
    findings.push(...systemPathFindings(paths, context.workspaceRoot, command.cwd, line));
  }
  if (name === 'chown' || name === 'chgrp') {
    const [, ...paths] = operands(args, new Set(['--reference', '--from']));
    const outside = systemPathFindings(paths, context.workspaceRoot, command.cwd, line);
    findings.push(...outside);
    if (outside.length === 0) findings.push(finding('ownership-change', 'MEDIUM', line));
  }
  if (name === 'umask' && /^0*0?0$/.test(args[0] ?? ''))
    findings.push(finding('permission-change', 'MEDIUM', line));
  for (const { name: variable, value } of view.assignments) {
    const injects =
      INJECTED_VARIABLES.test(variable) ||
      (variable === 'NODE_OPTIONS' && NODE_CODE_OPTIONS.test(value)) ||
      (variable === 'RUBYOPT' && RUBY_CODE_OPTIONS.test(value)) ||
      // `ENV` is sourced by an interactive `sh` only: `ENV=test python3 app.py` is a setting.
      (variable === 'ENV' && isShell(name));
    if (injects) findings.push(finding('env-injection', 'HIGH', `${variable}=${value}`));
  }
  if ((name === 'export' || name === 'declare') && hasFlag(args, 'f'))
    findings.push(finding('env-injection', 'MEDIUM', line));
  return findings;
};

function systemPathFindings(
  paths: readonly string[],
  workspaceRoot: string,
  cwd: string,
  line: string,
): Finding[] {
  for (const raw of paths) {
    const place = classifyPath(raw, workspaceRoot, cwd);
    if (
      place.place === 'root' ||
      place.place === 'home' ||
      (place.resolved !== undefined && SYSTEM_PATH.test(place.resolved))
    ) {
      return [finding('permission-change', 'HIGH', line)];
    }
    if (place.place === 'outside' || place.place === 'workspace')
      return [finding('permission-change', 'MEDIUM', line)];
  }
  return [];
}

import type { SecurityVerdict } from '../events/event.js';
import { codeExecutionRule } from './rules/code-execution.js';
import { credentialAccessRule } from './rules/credential-access.js';
import { destructiveDeleteRule } from './rules/destructive-delete.js';
import { fileWritesRule } from './rules/file-writes.js';
import { forkBombFindings } from './rules/fork-bomb.js';
import { gitCommandsRule } from './rules/git-commands.js';
import { scanInterpreterCode } from './rules/interpreter-code.js';
import { networkExfiltrationRule } from './rules/network-exfiltration.js';
import { packagePublishRule } from './rules/package-publish.js';
import { privilegeRule } from './rules/privilege-and-permissions.js';
import { type CommandRule, type Finding, finding, type RuleContext } from './rules/rule.js';
import { systemStateRule } from './rules/system-state.js';
import { commandViews } from './shell/command-views.js';
import { parseShell } from './shell/parse-shell.js';
import { sessionFindings } from './shell-session/session-findings.js';
import { deriveShellSession } from './shell-session/shell-session.js';
import { verdictOf } from './verdict-of.js';

export const SHELL_RULES: readonly CommandRule[] = [
  codeExecutionRule,
  destructiveDeleteRule,
  credentialAccessRule,
  networkExfiltrationRule,
  gitCommandsRule,
  privilegeRule,
  fileWritesRule,
  systemStateRule,
  packagePublishRule,
];

/** `bash -c "eval \"$(echo .. | base64 -d)\""` nests; past this depth we stop and say UNKNOWN. */
const MAX_DEPTH = 5;

export interface RateShellOptions {
  /** Absolute path of the workspace the command runs in (its working directory). */
  readonly workspaceRoot: string;
  /**
   * The terminal session's earlier commands, oldest first, since its last reset: the persistent shell
   * keeps their aliases, functions, variables, traps and directory, so this command is rated in that state.
   */
  readonly history?: readonly string[];
}

/**
 * Rates one terminal command. Pure: the command is parsed (never run), every command it would run —
 * through pipelines, lists, subshells, substitutions, `bash -c`/`eval` strings, decoded payloads and
 * interpreter one-liners — goes through the rules, and the worst finding decides. Text the parser
 * cannot read is UNKNOWN, never LOW.
 */
export function rateShellCommand(
  command: string,
  { workspaceRoot, history = [] }: RateShellOptions,
): SecurityVerdict {
  const session = deriveShellSession(history, workspaceRoot);
  const rate = (script: string): Finding[] => rateScript(script, workspaceRoot, 0);
  return verdictOf([...rate(command), ...sessionFindings(command, session, workspaceRoot, rate)]);
}

/**
 * The findings behind a rating, for the bench and for rules that embed scripts. `positional` are the
 * script's `$1`, `$@`... when the caller knows them (`bash -c CODE arg0 ARGS`).
 */
export function rateScript(
  source: string,
  workspaceRoot: string,
  depth: number,
  positional?: readonly string[],
): Finding[] {
  if (source.trim() === '') return [];
  if (depth > MAX_DEPTH) return [finding('nesting-too-deep', 'UNKNOWN', source)];
  const parsed = parseShell(source, workspaceRoot, positional === undefined ? {} : { positional });
  const findings: Finding[] = [];
  if (!parsed.ok) findings.push(finding('unparseable', 'UNKNOWN', `${parsed.error}: ${parsed.fragment}`));
  for (const { reason, fragment } of parsed.unresolved)
    findings.push(finding('unresolved', 'UNKNOWN', `${reason}: ${fragment}`));
  const rateEmbedded = (script: string, args?: readonly string[]): Finding[] =>
    rateScript(script, workspaceRoot, depth + 1, args);
  const context: RuleContext = {
    workspaceRoot,
    writtenFiles: new Map(),
    rateEmbedded,
    rateCode: (code, language) =>
      depth >= MAX_DEPTH
        ? [finding('nesting-too-deep', 'UNKNOWN', code)]
        : scanInterpreterCode(code, language, { workspaceRoot, rateEmbedded }),
  };
  for (const shellCommand of parsed.commands) {
    for (const view of commandViews(shellCommand)) {
      for (const rule of SHELL_RULES) findings.push(...rule(view, context));
    }
  }
  findings.push(...forkBombFindings(parsed.functions));
  return findings;
}

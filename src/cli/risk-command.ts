import { createInterface } from 'node:readline';
import type { SecurityVerdict } from '../events/event.js';
import {
  type ConfirmationPolicy,
  DEFAULT_CONFIRMATION_POLICY,
  needsConfirmation,
} from '../security/confirmation-policy.js';
import { rateShellCommand } from '../security/rate-shell-command.js';

export interface RiskCommandArgs {
  readonly json: boolean;
  readonly jsonl: boolean;
  /** The command to rate, as the words after `--` (joined with spaces). */
  readonly command: readonly string[];
}

export interface RiskCommandIo {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream;
  /** Where the command would run; the rules tell paths inside it from paths outside. */
  readonly workspaceRoot?: string;
  /** The installation's confirmation policy (from config): `gated` says whether it holds the command. */
  readonly policy?: ConfirmationPolicy;
}

/** Exit codes: 0 rated LOW or MEDIUM, 1 usage error, 2 rated HIGH, 3 rated UNKNOWN; `--jsonl` exits 0. */
const EXIT: Readonly<Record<SecurityVerdict['risk'], number>> = { LOW: 0, MEDIUM: 0, HIGH: 2, UNKNOWN: 3 };

/**
 * `handsbot risk [--json] -- COMMAND` rates one command; `handsbot risk --jsonl` rates one JSON object
 * `{"command": "...", "history": ["...", ...]}` per stdin line (`history`, optional: the commands run
 * before it in the same terminal) and writes one result per line. A bad line gets an error object for
 * that line and the stream goes on, so a corpus with one broken line is still scored. JSON results
 * carry `gated`: whether the confirmation policy would hold the command for a person's approval.
 */
export async function runRiskCommand(argv: RiskCommandArgs, io: RiskCommandIo): Promise<number> {
  const workspaceRoot = io.workspaceRoot ?? process.cwd();
  const policy = io.policy ?? DEFAULT_CONFIRMATION_POLICY;
  if (argv.jsonl) {
    const lines = createInterface({ input: io.stdin, crlfDelay: Number.POSITIVE_INFINITY });
    let lineNumber = 0;
    for await (const line of lines) {
      lineNumber++;
      if (line.trim() === '') continue;
      io.stdout.write(`${JSON.stringify(rateLine(line, lineNumber, workspaceRoot, policy))}\n`);
    }
    return 0;
  }
  const command = argv.command.join(' ');
  if (command.trim() === '') {
    io.stdout.write('usage: handsbot risk [--json] -- COMMAND | handsbot risk --jsonl < commands.jsonl\n');
    return 1;
  }
  const verdict = rateShellCommand(command, { workspaceRoot });
  const gated = needsConfirmation(policy, verdict);
  io.stdout.write(
    argv.json ? `${JSON.stringify({ command, ...verdict, gated })}\n` : `${humanLine(verdict)}\n`,
  );
  return EXIT[verdict.risk];
}

function rateLine(
  line: string,
  lineNumber: number,
  workspaceRoot: string,
  policy: ConfirmationPolicy,
): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (error) {
    return { line: lineNumber, error: `not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  const command =
    typeof parsed === 'object' && parsed !== null && 'command' in parsed ? parsed.command : undefined;
  if (typeof command !== 'string') return { line: lineNumber, error: 'no string "command" field' };
  const history = typeof parsed === 'object' && parsed !== null && 'history' in parsed ? parsed.history : [];
  if (!Array.isArray(history) || !history.every((h): h is string => typeof h === 'string'))
    return { line: lineNumber, error: '"history" is not a list of strings' };
  const verdict = rateShellCommand(command, { workspaceRoot, history });
  return { command, ...verdict, gated: needsConfirmation(policy, verdict) };
}

function humanLine(verdict: SecurityVerdict): string {
  if (verdict.reasons.length === 0) return verdict.risk;
  const reasons = verdict.reasons.map((r) => `${r.rule}: ${r.match}`).join('; ');
  return `${verdict.risk}  ${reasons}`;
}

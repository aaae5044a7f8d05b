import { createInterface } from 'node:readline';
import type { SecurityVerdict } from '../events/event.js';
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
}

/** Exit codes: 0 rated LOW or MEDIUM, 1 usage error, 2 rated HIGH, 3 rated UNKNOWN; `--jsonl` exits 0. */
const EXIT: Readonly<Record<SecurityVerdict['risk'], number>> = { LOW: 0, MEDIUM: 0, HIGH: 2, UNKNOWN: 3 };

/**
 * `handsbot risk [--json] -- COMMAND` rates one command; `handsbot risk --jsonl` rates one JSON object
 * `{"command": "..."}` per stdin line and writes one result per line. A bad line gets an error object
 * for that line and the stream goes on, so a corpus with one broken line is still scored.
 */
export async function runRiskCommand(argv: RiskCommandArgs, io: RiskCommandIo): Promise<number> {
  const workspaceRoot = io.workspaceRoot ?? process.cwd();
  if (argv.jsonl) {
    const lines = createInterface({ input: io.stdin, crlfDelay: Number.POSITIVE_INFINITY });
    let lineNumber = 0;
    for await (const line of lines) {
      lineNumber++;
      if (line.trim() === '') continue;
      io.stdout.write(`${JSON.stringify(rateLine(line, lineNumber, workspaceRoot))}\n`);
    }
    return 0;
  }
  const command = argv.command.join(' ');
  if (command.trim() === '') {
    io.stdout.write('usage: handsbot risk [--json] -- COMMAND | handsbot risk --jsonl < commands.jsonl\n');
    return 1;
  }
  const verdict = rateShellCommand(command, { workspaceRoot });
  io.stdout.write(argv.json ? `${JSON.stringify({ command, ...verdict })}\n` : `${humanLine(verdict)}\n`);
  return EXIT[verdict.risk];
}

function rateLine(line: string, lineNumber: number, workspaceRoot: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (error) {
    return { line: lineNumber, error: `not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  const command =
    typeof parsed === 'object' && parsed !== null && 'command' in parsed ? parsed.command : undefined;
  if (typeof command !== 'string') return { line: lineNumber, error: 'no string "command" field' };
  return { command, ...rateShellCommand(command, { workspaceRoot }) };
}

function humanLine(verdict: SecurityVerdict): string {
  if (verdict.reasons.length === 0) return verdict.risk;
  const reasons = verdict.reasons.map((r) => `${r.rule}: ${r.match}`).join('; ');
  return `${verdict.risk}  ${reasons}`;
}

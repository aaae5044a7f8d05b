import { stripHtmlComments } from '../../security/markdown/strip-html-comments.js';

/**
 * `/agent …` commands in an issue or PR comment.
 *
 * A command counts only where a reader sees it as one: at the start of the comment or of a line (up
 * to three spaces of indentation, as Markdown allows), outside fenced and indented code, outside block
 * quotes (a quoted command is someone repeating it), and outside HTML comments (hidden text must never
 * start a run). The first command in the comment wins. `/agent` is matched case-insensitively and must
 * be followed by white space or the end of the line (`/agents` is not a command).
 */
export type AgentCommand =
  | { readonly kind: 'fix'; readonly instructions: string }
  | { readonly kind: 'stop' }
  | { readonly kind: 'approve' }
  | { readonly kind: 'reject'; readonly reason: string }
  /** Also what a bare `/agent` or an unknown word means: the user is told what exists. */
  | { readonly kind: 'help' };

const COMMAND_LINE = /^ {0,3}\/agent(?:[ \t]+(\S+))?(?:[ \t]+(.*))?[ \t]*$/i;
const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const QUOTE = /^ {0,3}>/;
const INDENTED_CODE = /^(?: {4}|\t)/;

/** The command in `body`, or null when there is none. */
export function parseAgentCommand(body: string): AgentCommand | null {
  const lines = stripHtmlComments(body.replace(/\r\n?/g, '\n')).split('\n');
  let fence: { char: string; length: number } | null = null;
  let inQuote = false;
  for (const [index, line] of lines.entries()) {
    if (fence) {
      const close = FENCE.exec(line);
      if (close?.[1] && close[1][0] === fence.char && close[1].length >= fence.length && !close[2]?.trim()) {
        fence = null;
      }
      continue;
    }
    const open = FENCE.exec(line);
    // A backtick fence's info string cannot contain a backtick; otherwise it is inline code.
    if (open?.[1] && !(open[1][0] === '`' && open[2]?.includes('`'))) {
      fence = { char: open[1][0] ?? '`', length: open[1].length };
      continue;
    }
    if (line.trim() === '') {
      inQuote = false;
      continue;
    }
    // A line right after a quoted line, without a blank line between, is shown inside the quote.
    if (QUOTE.test(line) || inQuote) {
      inQuote = true;
      continue;
    }
    if (INDENTED_CODE.test(line)) continue;
    const match = COMMAND_LINE.exec(line);
    if (!match) continue;
    const rest = [match[2] ?? '', ...lines.slice(index + 1)].join('\n').trim();
    // `/agent fix: make it clearer` reads as a command to people, so it is one.
    return toCommand(match[1]?.toLowerCase().replace(/[:,.;]$/, '') ?? '', rest);
  }
  return null;
}

function toCommand(word: string, rest: string): AgentCommand {
  switch (word) {
    case 'fix':
      return { kind: 'fix', instructions: rest };
    case 'stop':
      return { kind: 'stop' };
    case 'approve':
      return { kind: 'approve' };
    case 'reject':
      return { kind: 'reject', reason: rest };
    default:
      return { kind: 'help' };
  }
}

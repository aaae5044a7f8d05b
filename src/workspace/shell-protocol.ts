/**
 * The text protocol spoken to the persistent bash: an init script that makes PROMPT_COMMAND print a
 * sentinel line (command id, exit code, cwd) after every command line, the one-line form each command
 * is sent in, and the parser that finds sentinels in the output stream.
 */

export function initScript(nonce: string): string {
  return [
    // One stream, in the order things were printed.
    'exec 2>&1',
    // No history expansion (`!` in commands), no history file written into HOME.
    'set +H +o history',
    'unset HISTFILE MAILCHECK PROMPT_COMMAND',
    "PS1=''; PS2=''; PS0=''",
    "__hb_id=''",
    // Keeps `$?` of the previous command visible to the next one, as in a terminal.
    '__hb_start() { local e=$?; __hb_id=$1; return $e; }',
    `__hb_done() { local e=$?; if [ -n "$__hb_id" ]; then printf '\\n__HB_${nonce}_%s_%s_%s__\\n' "$__hb_id" "$e" "$PWD"; __hb_id=''; fi; return $e; }`,
    'PROMPT_COMMAND=__hb_done',
    '__hb_start 0',
    '',
  ].join('\n');
}

/**
 * The command travels as one line (`eval $'...'`) so that bash reads all of it at once and whatever
 * the agent sends next as input reaches the command's stdin instead of being parsed by the shell.
 */
export function commandLine(id: number, command: string): string {
  return `__hb_start ${id}; eval ${ansiCQuote(command)}\n`;
}

export function ansiCQuote(text: string): string {
  let out = "$'";
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '\\') out += '\\\\';
    else if (char === "'") out += "\\'";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += char;
  }
  return `${out}'`;
}

export interface Sentinel {
  id: number;
  exitCode: number;
  cwd: string;
  /** Output before the sentinel (its leading newline removed). */
  before: string;
  /** Output after it, which belongs to whatever comes next. */
  after: string;
}

export function findSentinel(nonce: string, text: string): Sentinel | null {
  const match = new RegExp(`\\n__HB_${nonce}_(\\d+)_(\\d+)_([^\\n]*)__\\n`).exec(text);
  if (!match) return null;
  return {
    id: Number(match[1]),
    exitCode: Number(match[2]),
    cwd: match[3] ?? '',
    before: text.slice(0, match.index),
    after: text.slice(match.index + match[0].length),
  };
}

/**
 * How much of `text` may be shown while the command still runs: everything except a tail that could
 * be the start of a sentinel not fully received yet.
 */
export function safeOutputLength(nonce: string, text: string): number {
  const marker = `\n__HB_${nonce}_`;
  const lastNewline = text.lastIndexOf('\n');
  if (lastNewline < 0) return text.length;
  const tail = text.slice(lastNewline);
  // A lone trailing newline is far more likely the command's own; holding it back would move it to
  // the next read. At worst a sentinel split right after its newline adds one blank line.
  if (tail.length < 2) return text.length;
  return marker.startsWith(tail) || tail.startsWith(marker) ? lastNewline : text.length;
}

import { z } from 'zod';
import { ShellStateError } from '../workspace/shell-session.js';
import { lenientBoolean } from './lenient-boolean.js';
import type { ToolContext, ToolDefinition, ToolResult } from './tool.js';
import { truncateOutput } from './truncate-output.js';

const DESCRIPTION = `Execute a bash command in the terminal within a persistent shell session.

### Command Execution
* One command at a time: you can only execute one bash command at a time. To run several commands sequentially, chain them with \`&&\` or \`;\`.
* Persistent session: commands run in a persistent shell session where environment variables, virtual environments and the working directory persist between commands.
* Soft timeout: a command that produces no new output for 30 seconds returns early with exit code -1 while it keeps running (see below).
* The terminal is not a tty: interactive programs (editors, pagers, prompts) will not work; pass non-interactive flags (e.g. \`-y\`, \`--no-pager\`).

### Long-running Commands
* For commands that may run indefinitely, run them in the background and redirect output to a file, e.g. \`python3 app.py > server.log 2>&1 &\`.
* For commands that take long (installation, tests) or a known fixed time (sleep), set the \`timeout\` parameter; when it expires the command is interrupted.
* If a command returns exit code \`-1\`, it hit the soft timeout and is still running. With \`is_input\` set to true you can:
  - send an empty \`command\` to retrieve more output
  - send text (set \`command\` to the text) to the running process's STDIN
  - send \`C-c\` (Ctrl+C) to interrupt the process
  - after C-c, re-run the command with a longer \`timeout\`

### Best Practices
* Verify a parent directory exists before creating files or directories in it.
* Prefer absolute paths and avoid needless \`cd\`.

### Output Handling
* Output longer than 30,000 characters is cut in the middle; the full output is saved to a file whose path is given.`;

const schema = z.object({
  command: z
    .string()
    .describe(
      'The bash command to execute. Can be empty string to view additional output when the previous exit code is `-1`. Can be `C-c` (Ctrl+C) to interrupt the currently running process. Only one command at a time; chain several with `&&` or `;`.',
    ),
  is_input: lenientBoolean()
    .optional()
    .describe(
      'If true, the command is input to the running process (text for its STDIN, or C-c). If false (default), it is a new bash command.',
    ),
  timeout: z
    .number()
    .positive()
    .optional()
    .describe(
      'Optional hard limit in seconds. If the command runs longer it is interrupted. Without it, the command returns after 30 seconds without new output, still running. Use a higher value for installs, builds and test runs.',
    ),
  reset: lenientBoolean()
    .optional()
    .describe(
      'If true, kill the shell and everything it started and start a fresh one. Use only when the terminal is unresponsive: the working directory and environment variables are lost. Cannot be used with is_input.',
    ),
});

export type TerminalArgs = z.infer<typeof schema>;

export const terminalTool: ToolDefinition<TerminalArgs> = {
  name: 'terminal',
  legacyName: 'execute_bash',
  description: DESCRIPTION,
  schema,
  readOnly: false,
  execute: runTerminal,
};

async function runTerminal(args: TerminalArgs, context: ToolContext): Promise<ToolResult> {
  const shell = context.workspace.shell();
  const isInput = args.is_input ?? false;
  if (args.reset) {
    if (isInput) return errorResult('Cannot use reset=true with is_input=true.');
    await shell.reset();
    if (args.command.trim() === '') {
      return {
        content:
          'Terminal session has been reset. All previous environment variables and session state have been cleared.',
        isError: false,
        exitCode: 0,
        truncated: false,
      };
    }
  }
  let result: Awaited<ReturnType<typeof shell.run>>;
  try {
    result = await shell.run({
      command: args.command,
      isInput,
      signal: context.signal,
      ...(args.timeout === undefined ? {} : { timeoutMs: Math.round(args.timeout * 1000) }),
    });
  } catch (error) {
    if (error instanceof ShellStateError) return errorResult(error.message);
    throw error;
  }
  const cut = await truncateOutput(result.output, {
    outputDir: context.outputDir,
    label: `${context.runId}-terminal`,
  });
  const notes: string[] = [];
  if (result.timedOut) {
    notes.push(`[The command timed out after ${args.timeout ?? 0} seconds and was interrupted.]`);
  } else if (result.exitCode === -1) {
    notes.push(
      "[The command has no new output for a while and is still running. You may wait longer to see additional output by sending an empty command '' with is_input true, send text to it with is_input true, send C-c to interrupt it, or use the timeout parameter for future commands.]",
    );
  }
  notes.push(`[Current working directory: ${result.cwd}]`);
  if (result.exitCode !== -1) notes.push(`[Command finished with exit code ${result.exitCode}]`);
  const body = cut.text === '' || cut.text.endsWith('\n') ? cut.text : `${cut.text}\n`;
  return {
    content: `${body}${notes.join('\n')}`,
    isError: result.timedOut,
    exitCode: result.exitCode,
    truncated: cut.truncated,
    ...(cut.fullOutputPath === undefined ? {} : { fullOutputPath: cut.fullOutputPath }),
  };
}

function errorResult(content: string): ToolResult {
  return { content, isError: true, exitCode: null, truncated: false };
}

import { z } from 'zod';
import type { ToolDefinition } from '../../src/tools/tool.js';

/** A fixed-size result (256 chars), roughly a short command's output. */
export const NOOP_OUTPUT = `ok: nothing to do.${' '.repeat(8)}${'.'.repeat(230)}`;

const schema = z.object({
  command: z.string().describe('What to pretend to do; a different value every step.'),
});

/** A tool that does nothing and answers at once: the bench times the loop around it, not a tool. */
export function noopTool(): ToolDefinition<z.infer<typeof schema>> {
  return {
    name: 'noop',
    description: 'Does nothing and returns a short fixed result. Used to measure the agent loop itself.',
    schema,
    readOnly: false,
    async execute() {
      return { content: NOOP_OUTPUT, isError: false, exitCode: 0, truncated: false };
    },
  };
}

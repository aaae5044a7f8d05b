import { z } from 'zod';
import type { ToolDefinition } from './tool.js';

const schema = z.object({
  message: z.string().describe('Final message to send to the user: what was done, and anything left open.'),
});

export const finishTool: ToolDefinition<z.infer<typeof schema>> = {
  name: 'finish',
  description: `Signals the completion of the current task or conversation.

Use this tool when:
- You have successfully completed the user's requested task
- You cannot proceed further due to technical limitations or missing information

The message should include:
- A clear summary of actions taken and their results
- Any next steps for the user
- Explanation if you're unable to complete the task
- Any follow-up questions if more information is needed`,
  schema,
  readOnly: true,
  async execute(args) {
    return {
      content: args.message,
      isError: false,
      exitCode: null,
      truncated: false,
      finishMessage: args.message,
    };
  },
};

import { z } from 'zod';
import type { Task, ToolContext, ToolDefinition, ToolResult } from './tool.js';

const taskSchema = z.object({
  title: z.string().describe('A brief title for the task.'),
  notes: z.string().default('').describe('Additional details or notes about the task.'),
  status: z
    .enum(['todo', 'in_progress', 'done'])
    .default('todo')
    .describe('The current status of the task: todo, in_progress or done.'),
});

const schema = z.object({
  command: z
    .enum(['view', 'plan'])
    .describe('`view` shows the current task list; `plan` replaces it with `task_list`.'),
  task_list: z
    .array(taskSchema)
    .default([])
    .describe('The full task list (for `plan`). Each item has a title, notes and a status.'),
});

export type TaskTrackerArgs = z.infer<typeof schema>;

const ICONS: Readonly<Record<Task['status'], string>> = { todo: '⏳', in_progress: '🔄', done: '✅' };

export const taskTrackerTool: ToolDefinition<TaskTrackerArgs> = {
  name: 'task_tracker',
  description: `Keep a structured task list for complex work: plan the steps, mark them in progress and done as you go, so that progress is visible and nothing is forgotten.

Use it for tasks with several steps, when the user gives several things to do, or after new instructions arrive. Skip it for a single trivial step.

Commands:
- \`view\`: show the current task list.
- \`plan\`: replace the whole list with \`task_list\` (send every task, each time).

Keep exactly one task \`in_progress\` while you work; mark a task \`done\` as soon as it is finished, not in batches; only mark it done when it really is (tests pass, nothing left unresolved).`,
  schema,
  readOnly: true,
  execute: runTaskTracker,
};

async function runTaskTracker(args: TaskTrackerArgs, context: ToolContext): Promise<ToolResult> {
  if (args.command === 'view') {
    const content =
      context.tasks.length === 0
        ? 'No task list found. Use the "plan" command to create one.'
        : renderTasks(context.tasks);
    return { content, isError: false, exitCode: null, truncated: false };
  }
  const tasks: Task[] = args.task_list.map((task) => ({ ...task }));
  return {
    content: `Task list has been updated with ${tasks.length} item${tasks.length === 1 ? '' : 's'}.\n\n${renderTasks(tasks)}`,
    isError: false,
    exitCode: null,
    truncated: false,
    // The run state is derived from the log: the new list has to travel in the observation.
    data: { tasks },
  };
}

export function renderTasks(tasks: readonly Task[]): string {
  const lines = ['# Task List', ''];
  tasks.forEach((task, index) => {
    lines.push(`${index + 1}. ${ICONS[task.status]} ${task.title}`);
    if (task.notes) lines.push(`   ${task.notes}`);
  });
  return lines.join('\n');
}

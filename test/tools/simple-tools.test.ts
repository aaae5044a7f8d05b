import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { finishTool } from '../../src/tools/finish.js';
import { taskTrackerTool } from '../../src/tools/task-tracker.js';
import { thinkTool } from '../../src/tools/think.js';
import type { ToolContext } from '../../src/tools/tool.js';
import { makeContext } from './tool-context.js';

let context: ToolContext;
let cleanup: () => Promise<void>;

beforeEach(() => {
  ({ context, cleanup } = makeContext([{ title: 'Read the issue', notes: 'bug in parser', status: 'done' }]));
});
afterEach(() => cleanup());

describe('task_tracker', () => {
  it('views the list derived from the log', async () => {
    const result = await taskTrackerTool.execute({ command: 'view', task_list: [] }, context);
    expect(result.content).toBe('# Task List\n\n1. ✅ Read the issue\n   bug in parser');
    expect(result.data).toBeUndefined();
  });

  it('says so when there is no list yet', async () => {
    const empty = { ...context, tasks: [] };
    const result = await taskTrackerTool.execute({ command: 'view', task_list: [] }, empty);
    expect(result.content).toContain('No task list found');
  });

  it('plan returns the new list in data, with defaults filled in', async () => {
    const args = taskTrackerTool.schema.parse({
      command: 'plan',
      task_list: [{ title: 'Reproduce' }, { title: 'Fix', notes: 'in lexer', status: 'in_progress' }],
    });
    const result = await taskTrackerTool.execute(args, context);
    expect(result.data).toEqual({
      tasks: [
        { title: 'Reproduce', notes: '', status: 'todo' },
        { title: 'Fix', notes: 'in lexer', status: 'in_progress' },
      ],
    });
    expect(result.content).toContain('Task list has been updated with 2 items.');
    expect(result.content).toContain('2. 🔄 Fix');
  });
});

describe('think and finish', () => {
  it('think logs and changes nothing', async () => {
    const result = await thinkTool.execute({ thought: 'maybe the lexer' }, context);
    expect(result).toEqual({
      content: 'Your thought has been logged.',
      isError: false,
      exitCode: null,
      truncated: false,
    });
    expect(thinkTool.readOnly).toBe(true);
  });

  it('finish carries the final message', async () => {
    const result = await finishTool.execute({ message: 'Fixed the lexer.' }, context);
    expect(result.finishMessage).toBe('Fixed the lexer.');
    expect(finishTool.readOnly).toBe(true);
  });
});

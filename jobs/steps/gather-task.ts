import { PermanentJobError } from '../job-errors.js';
import type { RunJobData } from '../run-job-context.js';
import type { RunGitHub, RunTask } from '../run-ports.js';

export interface GatherTaskInput {
  data: RunJobData;
  runId: string;
  github: RunGitHub;
  signal: AbortSignal;
}

/**
 * Step 1: the permission check and the task, through the API (the web side checked nothing), then
 * the tracking comment. A fork PR ends here: handsbot could do the work but never push it.
 */
export async function gatherTask(input: GatherTaskInput): Promise<RunTask> {
  const task = await input.github.loadTask(input.data, input.runId, input.signal);
  if (task.fromFork) {
    throw new PermanentJobError(
      `#${task.number} is a pull request from a fork`,
      'This pull request comes from a fork: handsbot cannot push to its branch, so it did not start.',
    );
  }
  await input.github.startTracking(input.data, input.runId);
  return task;
}

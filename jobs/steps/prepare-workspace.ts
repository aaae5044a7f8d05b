import type { RunJobData } from '../run-job-context.js';
import type { PreparedWorkspace, RunTask, WorkspaceProvider } from '../run-ports.js';

export interface PrepareWorkspaceInput {
  provider: WorkspaceProvider;
  data: RunJobData;
  task: RunTask;
  runId: string;
  resume: boolean;
  signal: AbortSignal;
}

/** Step 2: a sandboxed checkout for the run; the caller releases it in `finally`. */
export async function prepareWorkspace(input: PrepareWorkspaceInput): Promise<PreparedWorkspace> {
  return input.provider.prepare({
    runId: input.runId,
    data: input.data,
    task: input.task,
    resume: input.resume,
    signal: input.signal,
  });
}

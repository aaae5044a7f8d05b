import type { RunJobData } from '../../../jobs/run-job-context.js';
import type { RunTask } from '../../../jobs/run-ports.js';

/**
 * The job and task the Docker workspace provider tests prepare: issue #7 of `acme/widgets` (the buggy
 * fixture repository), labelled, to be pushed to an `openhands/` branch.
 */
export const ISSUE_RUN_DATA: RunJobData = {
  type: 'run',
  installationId: 1,
  repository: { id: 42, owner: 'acme', name: 'widgets' },
  sender: { login: 'octocat', id: 1 },
  deliveryId: 'd-1',
  triggeredAt: '2026-01-01T00:00:00Z',
  number: 7,
  trigger: { kind: 'issue_labeled', issueNumber: 7, label: 'openhands' },
};

export const ISSUE_RUN_TASK: RunTask = {
  kind: 'issue',
  number: 7,
  title: 'add subtracts',
  prompt: 'Fix it.',
  checkoutRef: null,
  defaultBranch: 'main',
  pushBranch: 'openhands/issue-7-add-subtracts',
  branchPolicy: { allowedPrefixes: ['openhands/'], protectedBranches: ['main'] },
  fromFork: false,
  allowWorkflowChanges: false,
  draft: true,
};

import { PermanentJobError } from '../../../jobs/job-errors.js';
import type { RunJobData } from '../../../jobs/run-job-context.js';
import type { RepoRunSettings, RunTask } from '../../../jobs/run-ports.js';
import type { Redact } from '../../security/redactor.js';
import { InvalidBranchNameError } from '../ops/branch-name.js';
import { chooseBranchName, NoFreeBranchNameError } from '../ops/choose-branch-name.js';
import { createPermissionChecker } from '../ops/create-permission-checker.js';
import { gatherTriggerContext, TriggerTargetError } from '../ops/gather-trigger-context.js';
import type { GitHubClient } from '../ops/github-client.js';
import { isHandsbotPullRequest } from '../ops/is-handsbot-pull-request.js';
import { postConfigProblems } from '../ops/post-config-problems.js';
import { postPermissionDeniedReply } from '../ops/post-permission-denied-reply.js';
import { renderTaskPrompt } from '../ops/render-task-prompt.js';
import { invalidConfigTriggerSettings } from '../repo-config/invalid-config-trigger-settings.js';
import { type LoadedRepoConfig, loadRepoConfig } from '../repo-config/load-repo-config.js';
import { RepoConfigError } from '../repo-config/repo-config-error.js';
import type { RepoConfigFile } from '../repo-config/repo-config-file.schema.js';
import { type InstallationDefaults, resolveRepoSettings } from '../repo-config/resolve-repo-settings.js';
import { asJobError } from './to-job-error.js';

export type { InstallationDefaults } from '../repo-config/resolve-repo-settings.js';

export interface LoadRunTaskInput {
  readonly octokit: GitHubClient;
  readonly data: RunJobData;
  /** The run this trigger starts: what a retried attempt's comments are found again by. */
  readonly runId: string;
  readonly defaults: InstallationDefaults;
  readonly redact: Redact;
  /** The app's bot account, `<slug>[bot]` (`resolveAppIdentity`): what "a PR handsbot opened" and its own comments are judged by. */
  readonly botLogin: string;
  /** The branch an earlier attempt of this run chose (from its event log), if there was one. */
  readonly earlierBranch: () => Promise<string | null>;
}

export type LoadedRunTask =
  | {
      readonly kind: 'task';
      readonly task: RunTask;
      readonly defaultBranch: string;
      readonly triggerLabel: string;
      readonly shownThreadIds: ReadonlySet<number>;
    }
  /**
   * Nothing runs and the user was already told (or, for another label or a review of someone else's
   * PR, needs no telling).
   */
  | { readonly kind: 'refused'; readonly error: PermanentJobError };

/**
 * Everything GitHub must say before a run may start, in the order that costs least when refused:
 * the repository's settings (default branch only), whether this is a trigger here at all (the label;
 * for a review, a PR handsbot opened), the sender's permission, then the issue or PR itself, read as
 * the agent may see it, and the branch to push to.
 */
export async function loadRunTask(input: LoadRunTaskInput): Promise<LoadedRunTask> {
  const { octokit, data, redact, botLogin } = input;
  const owner = data.repository.owner;
  const repo = data.repository.name;
  const defaultBranch = await asJobError(
    'read the repository',
    async () => (await octokit.rest.repos.get({ owner, repo })).data.default_branch,
  );
  let loaded: LoadedRepoConfig | RepoConfigError;
  try {
    loaded = await asJobError('read .github/openhands.yml', () =>
      loadRepoConfig(octokit, { owner, repo, defaultBranch }),
    );
  } catch (error) {
    if (!(error instanceof RepoConfigError)) throw error;
    loaded = error;
  }
  const { triggerLabel, branchPrefix: prefix } =
    loaded instanceof RepoConfigError
      ? invalidConfigTriggerSettings(loaded, input.defaults)
      : resolveRepoSettings(loaded.config, input.defaults);

  const trigger = data.trigger;
  // Before anything is said about the file: a label that is not (or, with a broken file, could not
  // be) the trigger is someone else's business, and is ignored quietly.
  // GitHub compares label names without regard to case.
  if (trigger.kind === 'issue_labeled' && trigger.label.toLowerCase() !== triggerLabel.toLowerCase()) {
    return refused(`label ${trigger.label} is not this repository's trigger label`, '');
  }
  // Likewise reviews: they start work only on pull requests handsbot opened; on anyone else's they
  // are ordinary reviews, and handsbot stays quiet, whatever state its settings file is in.
  if (trigger.kind === 'pr_review') {
    const ours = await asJobError('read the pull request', () =>
      isHandsbotPullRequest(octokit, {
        owner,
        repo,
        pullNumber: data.number,
        branchPrefix: prefix,
        botLogin,
      }),
    );
    if (!ours) return refused(`#${data.number} is not a pull request handsbot opened`, '');
  }
  if (loaded instanceof RepoConfigError) {
    const invalid = loaded;
    await asJobError('post the config problems', () =>
      postConfigProblems(octokit, {
        owner,
        repo,
        issueNumber: data.number,
        error: invalid,
        runId: input.runId,
        triggeredAt: data.triggeredAt,
        redact,
        botLogin,
      }),
    );
    return refused(invalid.message, 'The repository’s .github/openhands.yml is not valid.', invalid);
  }
  const file = loaded.config;
  const config = resolveRepoSettings(file, input.defaults);
  const { draftPullRequests: draft } = config;

  const permissions = createPermissionChecker(octokit, { owner, repo, allowed: config.triggerPermissions });
  const sender = await asJobError('check the sender’s permission', () => permissions(data.sender.login));
  if (!sender.allowed) {
    await asJobError('reply to the denied sender', () =>
      postPermissionDeniedReply(octokit, {
        owner,
        repo,
        issueNumber: data.number,
        denied: sender,
        allowed: config.triggerPermissions,
        deliveryId: data.deliveryId,
        triggeredAt: data.triggeredAt,
        redact,
        botLogin,
      }),
    );
    return refused(
      `@${sender.login} may not trigger (${sender.reason})`,
      'You may not trigger handsbot here.',
    );
  }

  const kind =
    trigger.kind === 'issue_labeled' || trigger.kind === 'issue_command' ? 'issue' : 'pull_request';
  const command = trigger.kind === 'issue_command' || trigger.kind === 'pr_command' ? trigger : null;
  let context: Awaited<ReturnType<typeof gatherTriggerContext>>;
  try {
    context = await asJobError('read the issue or pull request', () =>
      gatherTriggerContext(octokit, {
        owner,
        repo,
        kind,
        number: data.number,
        triggeredAt: data.triggeredAt,
        triggeredBy: data.sender.login,
        permissions,
        ...(command ? { instructions: command.instructions, triggerCommentId: command.commentId } : {}),
      }),
    );
  } catch (error) {
    if (!(error instanceof TriggerTargetError)) throw error;
    throw new PermanentJobError(
      error.message,
      `#${data.number} is no longer the ${kind === 'issue' ? 'issue' : 'pull request'} handsbot was asked to work on, so nothing ran.`,
      { cause: error },
    );
  }
  const common = {
    number: data.number,
    // The workspace starts an issue's branch from it and reads repository instructions from it.
    defaultBranch,
    title: context.title,
    prompt: renderTaskPrompt(context),
    allowWorkflowChanges: config.allowWorkflowChanges,
    draft,
    // Only what the file sets: for every other key the worker's own settings apply.
    ...(loaded.source === 'file' ? { repoSettings: repoSettingsOf(file) } : {}),
  };
  if (context.kind === 'pull_request') {
    return {
      kind: 'task',
      defaultBranch,
      triggerLabel,
      shownThreadIds: new Set(context.threads.map((t) => t.firstCommentId)),
      task: {
        ...common,
        kind: 'pull_request',
        checkoutRef: context.headRef,
        pushBranch: context.headRef,
        // Someone's PR branch: any name, but never the default branch.
        branchPolicy: { allowedPrefixes: [], protectedBranches: [defaultBranch] },
        fromFork: context.fromFork,
      },
    };
  }
  const pushBranch =
    (await input.earlierBranch()) ?? (await chooseIssueBranch(octokit, owner, repo, prefix, context));
  return {
    kind: 'task',
    defaultBranch,
    triggerLabel,
    shownThreadIds: new Set(),
    task: {
      ...common,
      kind: 'issue',
      checkoutRef: null,
      pushBranch,
      branchPolicy: { allowedPrefixes: [prefix], protectedBranches: [defaultBranch] },
      fromFork: false,
    },
  };
}

async function chooseIssueBranch(
  octokit: GitHubClient,
  owner: string,
  repo: string,
  prefix: string,
  context: { number: number; title: string },
): Promise<string> {
  try {
    return await asJobError('choose a branch name', () =>
      chooseBranchName(octokit, { owner, repo, issueNumber: context.number, title: context.title, prefix }),
    );
  } catch (error) {
    if (error instanceof NoFreeBranchNameError || error instanceof InvalidBranchNameError) {
      throw new PermanentJobError(
        error.message,
        'handsbot could not find a usable branch name for this issue (too many earlier attempts, or a bad `branchPrefix`).',
        { cause: error },
      );
    }
    throw error;
  }
}

function refused(message: string, userMessage: string, cause?: unknown): LoadedRunTask {
  return { kind: 'refused', error: new PermanentJobError(message, userMessage, { cause }) };
}

function repoSettingsOf(config: RepoConfigFile): RepoRunSettings {
  return {
    ...(config.network !== undefined ? { network: config.network } : {}),
    ...(config.confirmation !== undefined ? { confirmation: config.confirmation } : {}),
    ...(config.setupScript !== undefined ? { setupScript: config.setupScript } : {}),
    ...(config.modelProfile !== undefined ? { modelProfile: config.modelProfile } : {}),
    ...(config.maxIterations !== undefined ? { maxIterations: config.maxIterations } : {}),
    ...(config.maxCostUsd !== undefined ? { maxCostUsd: config.maxCostUsd } : {}),
    ...(config.diskLimitMb !== undefined ? { diskLimitMb: config.diskLimitMb } : {}),
    ...(config.image !== undefined ? { image: config.image } : {}),
  };
}

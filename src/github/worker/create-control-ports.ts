import type { Logger } from 'pino';
import type { ControlJobData, ControlOutcome, ControlPorts } from '../../../jobs/process-control-job.js';
import type { Redact } from '../../security/redactor.js';
import { checkTriggerPermission } from '../ops/check-trigger-permission.js';
import type { GitHubClient } from '../ops/github-client.js';
import { inlineCode } from '../ops/markdown/inline-code.js';
import { postCommentOnce } from '../ops/post-comment-once.js';
import { postPermissionDeniedReply } from '../ops/post-permission-denied-reply.js';
import { renderMarker } from '../ops/render-marker.js';
import { renderOutcome } from '../ops/render-outcome.js';
import { loadRepoConfig, RepoConfigError, resolveRepoSettings } from '../repo-config/index.js';
import { TRIGGER_PERMISSION_LEVELS } from '../repo-config/repo-config.schema.js';
import { loadHelpOutcome } from './load-help-outcome.js';
import { asJobError } from './to-job-error.js';

export interface CreateControlPortsOptions {
  octokitFor(installationId: number): Promise<GitHubClient>;
  /** The installation's trigger label: named in the help text where a repository sets none. */
  triggerLabel: string;
  /** The app's bot account, `<slug>[bot]` (`resolveAppIdentity`): only its replies are found again. */
  botLogin: string;
  redact: Redact;
  logger: Logger;
}

/**
 * `/agent stop|approve|reject|help` as GitHub sees it: the sender's permission asked through the API
 * (write, maintain or admin; bots never), and one short marked reply per command, which a retried
 * control job finds again instead of repeating. The run's own tracking comment shows the effect.
 */
export function createControlPorts(options: CreateControlPortsOptions): ControlPorts {
  const { redact } = options;
  return {
    async authorize(data) {
      const octokit = await options.octokitFor(data.installationId);
      const owner = data.repository.owner;
      const repo = data.repository.name;
      // Whoever may start a run here may stop or answer it: the repository's own levels, when it
      // narrows them in .github/openhands.yml (a file that does not parse leaves the defaults).
      const allowed = await asJobError('read .github/openhands.yml', async () => {
        try {
          const loaded = await loadRepoConfig(octokit, { owner, repo });
          return resolveRepoSettings(loaded.config, { triggerLabel: options.triggerLabel })
            .triggerPermissions;
        } catch (error) {
          if (error instanceof RepoConfigError) return TRIGGER_PERMISSION_LEVELS;
          throw error;
        }
      });
      const result = await asJobError('check the sender’s permission', () =>
        checkTriggerPermission(octokit, { owner, repo, login: data.sender.login, allowed }),
      );
      return result.allowed;
    },

    async acknowledge(data, outcome) {
      const octokit = await options.octokitFor(data.installationId);
      if (outcome.kind === 'denied') {
        await asJobError('reply to the denied sender', () =>
          postPermissionDeniedReply(octokit, {
            owner: data.repository.owner,
            repo: data.repository.name,
            issueNumber: data.number,
            denied: {
              allowed: false,
              login: data.sender.login,
              reason: 'insufficient_permission',
              permission: null,
            },
            allowed: TRIGGER_PERMISSION_LEVELS,
            deliveryId: data.deliveryId,
            triggeredAt: data.triggeredAt,
            redact,
            botLogin: options.botLogin,
          }),
        );
        return;
      }
      const text = await message(octokit, data, outcome);
      await asJobError('acknowledge the command', () => replyOnce(octokit, data, text));
      options.logger.debug({ outcome: outcome.kind }, 'control command acknowledged');
    },
  };

  async function message(
    octokit: GitHubClient,
    data: ControlJobData,
    outcome: Exclude<ControlOutcome, { kind: 'denied' }>,
  ): Promise<string> {
    const by = `@${data.sender.login}`;
    switch (outcome.kind) {
      case 'help': {
        const help = await asJobError('read .github/openhands.yml', () =>
          loadHelpOutcome(octokit, {
            owner: data.repository.owner,
            repo: data.repository.name,
            installationLabel: options.triggerLabel,
          }),
        );
        return renderOutcome(help, redact);
      }
      case 'no_active_run':
        return `${by} there is no active handsbot run on this issue or pull request, so there is nothing to ${data.command.kind}.`;
      case 'stop_requested':
        return `⏹️ ${by} asked to stop run ${inlineCode(outcome.runJobId)}; it stops within seconds.`;
      case 'decision_recorded':
        return outcome.approve
          ? `👍 ${by} approved the waiting action of run ${inlineCode(outcome.runJobId)}.`
          : `✋ ${by} rejected the waiting action of run ${inlineCode(outcome.runJobId)}; the agent is told and carries on.`;
      default: {
        const unreachable: never = outcome;
        return unreachable;
      }
    }
  }

  /** One reply per command comment: a retried control job finds its marker and posts nothing. */
  async function replyOnce(octokit: GitHubClient, data: ControlJobData, text: string): Promise<void> {
    await postCommentOnce(octokit, {
      owner: data.repository.owner,
      repo: data.repository.name,
      issueNumber: data.number,
      marker: renderMarker({ control: data.commentId }),
      body: text,
      since: data.triggeredAt,
      redact,
      botLogin: options.botLogin,
    });
  }
}

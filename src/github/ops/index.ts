export { neutralizeAgentMarkdown } from '../../security/markdown/neutralize-agent-markdown.js';
export {
  type BranchNameOptions,
  branchName,
  DEFAULT_BRANCH_PREFIX,
  InvalidBranchNameError,
} from './branch-name.js';
export {
  type CheckTriggerPermissionOptions,
  checkTriggerPermission,
  type RepositoryPermission,
  type TriggerPermission,
} from './check-trigger-permission.js';
export { chooseBranchName, NoFreeBranchNameError } from './choose-branch-name.js';
export {
  type CreateOctokitOptions,
  createOctokit,
  HandsbotOctokit,
  type HandsbotOctokitInstance,
} from './create-octokit.js';
export { createPermissionChecker, type PermissionChecker } from './create-permission-checker.js';
export {
  type GatherTriggerContextOptions,
  gatherTriggerContext,
  TriggerTargetError,
} from './gather-trigger-context.js';
export type { GitHubClient } from './github-client.js';
export { httpStatusOf } from './http-status-of.js';
export { type IsHandsbotPullRequestOptions, isHandsbotPullRequest } from './is-handsbot-pull-request.js';
export { isValidBranchName } from './is-valid-branch-name.js';
export {
  type OpenedPullRequest,
  type OpenPullRequestOptions,
  openPullRequest,
  pullRequestTitle,
} from './open-pull-request.js';
export type { Outcome, OutcomeKind } from './outcome.js';
export { parseThreadReplies } from './parse-thread-replies.js';
export { type PostCommentOnceOptions, postCommentOnce } from './post-comment-once.js';
export { type PostConfigProblemsOptions, postConfigProblems } from './post-config-problems.js';
export {
  type PostPermissionDeniedReplyOptions,
  postPermissionDeniedReply,
} from './post-permission-denied-reply.js';
export { readPullRequestTemplate } from './read-pull-request-template.js';
export { renderOutcome } from './render-outcome.js';
export { type PullRequestBodyInput, renderPullRequestBody } from './render-pull-request-body.js';
export { renderTaskPrompt } from './render-task-prompt.js';
export {
  type ReplyToReviewThreadsOptions,
  replyToReviewThreads,
  type ThreadReply,
} from './reply-to-review-threads.js';
export { type CommandRun, type RunSummary, summarizeRunEvents } from './summarize-run-events.js';
export {
  type EnsureTrackingCommentOptions,
  ensureTrackingComment,
  type ReactionTarget,
  type TrackingComment,
} from './tracking-comment/ensure-tracking-comment.js';
export {
  type RenderTrackingCommentOptions,
  renderTrackingComment,
} from './tracking-comment/render-tracking-comment.js';
export {
  type Scheduler,
  TrackingCommentGoneError,
  TrackingCommentUpdater,
  type TrackingCommentUpdaterOptions,
} from './tracking-comment/tracking-comment-updater.js';
export type { LeftOut, ReviewThread, TriggerContext, UntrustedItem } from './trigger-context.js';

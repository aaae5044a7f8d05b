import type { Decision } from '../../src/agent/conversation.js';
import { Conversation } from '../../src/agent/conversation.js';
import type { RunState } from '../../src/agent/run-state.js';
import type { Config } from '../../src/config/load-config.js';
import { resolveRunLimits } from '../../src/config/resolve-run-limits.js';
import type { RunEvent } from '../../src/events/event.js';
import type { EventStore } from '../../src/events/event-store.js';
import type { LlmClientDeps } from '../../src/llm/llm-client-deps.js';
import { createAgentSpec } from '../../src/runtime/create-agent-spec.js';
import { createConversationDeps } from '../../src/runtime/create-conversation-deps.js';
import { quoteUntrusted } from '../../src/security/markdown/sanitize-untrusted-text.js';
import { JobCancelledError, JobDrainingError, PermanentJobError } from '../job-errors.js';
import type { RunJobData } from '../run-job-context.js';
import type { PreparedWorkspace, RunTask } from '../run-ports.js';

export interface RunAgentInput {
  config: Config;
  store: EventStore;
  runId: string;
  data: RunJobData;
  task: RunTask;
  prepared: PreparedWorkspace;
  /** `/agent stop`: interrupts the current step. */
  signal: AbortSignal;
  /** Worker shutdown: the run pauses at the next step boundary (its log is the checkpoint). */
  drain: AbortSignal;
  waitForDecision(signal: AbortSignal): Promise<Decision>;
  onState?(state: RunState, event: RunEvent): void;
  /** How long a gated action waits for `/agent approve|reject` before the job ends. */
  decisionTimeoutMs?: number;
  llmDeps?: LlmClientDeps;
}

export interface RunAgentOutput {
  state: RunState;
  /** The log already had events: the run was resumed, not started. */
  resumed: boolean;
}

/**
 * Step 3: the agent loop on the workspace, bound to the run's log. If the log already exists (a retry,
 * a stalled job, a job put back at shutdown) the run is resumed from it: recorded LLM answers are not
 * asked for again and recorded observations not re-run. Gated actions wait here for a decision.
 */
export async function runAgent(input: RunAgentInput): Promise<RunAgentOutput> {
  const { config, store, runId, prepared, task, data } = input;
  if (!config.llm.ok)
    throw new PermanentJobError(config.llm.problem, 'handsbot has no usable LLM configured.');
  const instructions = instructionsOf(prepared, task);
  const repo = task.repoSettings ?? {};
  const agent = createAgentSpec(config, {
    workspaceRoot: prepared.workspace.root,
    ...(repo.modelProfile ? { modelProfile: repo.modelProfile } : {}),
    ...(repo.confirmation ? { confirmationPolicy: repo.confirmation } : {}),
    sandboxed: prepared.workspace.kind === 'docker',
    autoContinue: true,
    ...(instructions ? { repositoryInstructions: instructions } : {}),
    ...(input.llmDeps ? { llmDeps: input.llmDeps } : {}),
  });
  const deps = createConversationDeps(config, runId);
  const resumed = (await store.lastSeq(runId)) > 0;
  const conversation = resumed
    ? await Conversation.resume({
        store,
        runId,
        agent,
        workspace: prepared.workspace,
        deps,
        ...(prepared.freshCheckoutOnResume
          ? { notice: { content: freshCheckoutNotice(prepared.baseCommit), sender: 'handsbot' } }
          : {}),
      })
    : await Conversation.start({
        store,
        runId,
        agent,
        workspace: prepared.workspace,
        deps,
        task: task.prompt,
        sender: `github:${data.sender.login}`,
        settings: {
          modelProfile: repo.modelProfile ?? config.llm.routes.agent[0] ?? 'default',
          // A repository may lower the installation's limits, never raise them.
          ...resolveRunLimits(repo, config.limits),
          wallClockLimitMs: config.limits.wallClockLimitMs,
          toolNames: agent.tools.specs().map((s) => s.name),
          workspace: { kind: prepared.workspace.kind, root: prepared.workspace.root },
          labels: {
            repository: `${data.repository.owner}/${data.repository.name}`,
            number: String(data.number),
            trigger: data.trigger.kind,
            baseCommit: prepared.baseCommit,
            // A retried job reads its branch back from here instead of choosing a new one.
            branch: task.pushBranch,
          },
        },
      });
  if (!resumed && prepared.setup)
    await conversation.sendMessage(describeSetup(prepared.setup), 'handsbot-setup');
  const unsubscribe = conversation.subscribe((event, state) => input.onState?.(state, event));
  // Pause, not abort: the step in flight (an LLM call, a command) finishes and is recorded first.
  const onDrain = () => conversation.pause('worker shutting down');
  input.drain.addEventListener('abort', onDrain);
  if (input.drain.aborted) onDrain();
  try {
    let state = await conversation.run(input.signal);
    while (state.status === 'waiting_for_confirmation' && !input.signal.aborted && !input.drain.aborted) {
      const decision = await input
        .waitForDecision(
          AbortSignal.any([
            input.signal,
            input.drain,
            AbortSignal.timeout(input.decisionTimeoutMs ?? 24 * 60 * 60 * 1000),
          ]),
        )
        .catch(() => null);
      if (decision === null) break;
      await conversation.decide(decision);
      state = await conversation.run(input.signal);
    }
    if (input.signal.aborted && input.signal.reason instanceof PermanentJobError) {
      // Not a user's stop: the workspace ended the run (over its disk limit); the error says why.
      await conversation.stop(input.signal.reason.message);
      throw input.signal.reason;
    }
    if (input.signal.aborted) {
      const reason = String(input.signal.reason ?? 'stopped');
      // Recorded, so the tracking comment says stopped and nothing ever resumes the run.
      await conversation.stop(reason);
      throw new JobCancelledError(reason);
    }
    if (input.drain.aborted && (state.status === 'paused' || state.status === 'waiting_for_confirmation')) {
      throw new JobDrainingError('run-agent');
    }
    return { state, resumed };
  } finally {
    input.drain.removeEventListener('abort', onDrain);
    unsubscribe();
  }
}

/** handsbot's own words (no GitHub text in them): the agent must not believe its earlier edits are there. */
function freshCheckoutNotice(baseCommit: string): string {
  return [
    `This run was resumed on a different machine, in a fresh checkout at commit ${baseCommit.slice(0, 12)}.`,
    'Changes you made to files earlier in this conversation are not in the workspace any more, and',
    'programs you started are gone. Check the files, and redo what is missing before you finish.',
  ].join(' ');
}

function instructionsOf(prepared: PreparedWorkspace, task: RunTask): string | undefined {
  return prepared.repositoryInstructions || task.repositoryInstructions || undefined;
}

/** The setup script's outcome goes into the log and before the agent, failure included: never hidden. */
function describeSetup(setup: NonNullable<PreparedWorkspace['setup']>): string {
  const tail = setup.output.length > 4_000 ? `…${setup.output.slice(-4_000)}` : setup.output;
  const how = setup.timedOut
    ? 'timed out'
    : setup.exitCode === 0
      ? 'succeeded'
      : `failed with exit code ${setup.exitCode}`;
  return `The repository's .openhands/setup.sh ran in the workspace before you started and ${how}. Its output:\n${quoteUntrusted('setup.sh output', tail)}`;
}

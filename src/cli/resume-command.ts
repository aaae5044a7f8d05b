import { Conversation } from '../agent/conversation.js';
import { createAgentSpec } from '../runtime/create-agent-spec.js';
import { createConversationDeps } from '../runtime/create-conversation-deps.js';
import { openEventStore } from '../runtime/open-event-store.js';
import { readRunEvents } from '../runtime/read-run-events.js';
import { createLocalWorkspace } from '../workspace/local-workspace.js';
import type { CliContext } from './cli-context.js';
import { driveConversation } from './drive-conversation.js';

export interface ResumeCommandOptions {
  runId: string;
  events?: string;
  yes: boolean;
}

/**
 * `handsbot resume RUN`: continues a run from its log after a crash, Ctrl-C or an unanswered
 * confirmation. Settings come from the log, so the run goes on as it began.
 */
export async function resumeCommand(options: ResumeCommandOptions, ctx: CliContext): Promise<number> {
  const { config } = ctx;
  if (!config.llm.ok) {
    ctx.stderr.write(`handsbot: ${config.llm.problem}\n`);
    return 2;
  }
  const store = openEventStore(config, options.events);
  try {
    const run = await readRunEvents(store, options.runId);
    if (!run) {
      ctx.stderr.write(`handsbot: run ${options.runId} not found in the event store\n`);
      return 2;
    }
    const { settings } = run.started;
    if (settings.workspace.kind !== 'local') {
      ctx.stderr.write(
        `handsbot: run ${options.runId} used a ${settings.workspace.kind} workspace; resume it there\n`,
      );
      return 2;
    }
    const workspace = await createLocalWorkspace({ root: settings.workspace.root });
    try {
      const agent = createAgentSpec(config, {
        workspaceRoot: settings.workspace.root,
        sandboxed: false,
        modelProfile: settings.modelProfile,
        ...(settings.labels.confirm === 'never' ? { confirmationPolicy: { kind: 'never' } } : {}),
      });
      const conversation = await Conversation.resume({
        store,
        runId: options.runId,
        agent,
        workspace,
        deps: createConversationDeps(config, options.runId),
      });
      ctx.stdout.write(
        `↺ resuming ${options.runId} at event ${conversation.state.lastSeq} (${conversation.state.status})\n`,
      );
      return await driveConversation(conversation, { ...ctx, yes: options.yes });
    } finally {
      await workspace.close();
    }
  } finally {
    await store.close();
  }
}

import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Conversation } from '../agent/conversation.js';
import type { RunSettings } from '../events/event.js';
import { createAgentSpec } from '../runtime/create-agent-spec.js';
import { createConversationDeps } from '../runtime/create-conversation-deps.js';
import { openEventStore } from '../runtime/open-event-store.js';
import { readGitHead } from '../runtime/read-git-head.js';
import { createLocalWorkspace } from '../workspace/local-workspace.js';
import type { CliContext } from './cli-context.js';
import { driveConversation } from './drive-conversation.js';

export interface RunCommandOptions {
  repo: string;
  task?: string;
  taskFile?: string;
  workspace: string;
  events?: string;
  model?: string;
  maxIterations?: number;
  maxCost?: number;
  yes: boolean;
  confirm: boolean;
}

/** `handsbot run`: the agent on a local repository; changes stay in its working tree. */
export async function runCommand(options: RunCommandOptions, ctx: CliContext): Promise<number> {
  const { config } = ctx;
  if (!config.llm.ok) {
    ctx.stderr.write(`handsbot: ${config.llm.problem}\n`);
    return 2;
  }
  if (options.workspace !== 'local') {
    ctx.stderr.write(
      `handsbot: workspace "${options.workspace}" is not available here; use --workspace local\n`,
    );
    return 2;
  }
  const task = options.taskFile ? await readFile(options.taskFile, 'utf8') : options.task;
  if (!task?.trim()) {
    ctx.stderr.write('handsbot: give the task with --task TEXT or --task-file FILE\n');
    return 2;
  }
  const root = path.resolve(options.repo);
  const head = await readGitHead(root);
  const runId = newRunId();
  const store = openEventStore(config, options.events);
  const workspace = await createLocalWorkspace({ root });
  ctx.stderr.write('⚠ local workspace: commands run unsandboxed on this machine, as your user.\n');
  try {
    const agent = createAgentSpec(config, {
      workspaceRoot: root,
      sandboxed: false,
      ...(options.model ? { modelProfile: options.model } : {}),
      ...(options.confirm ? {} : { confirmationPolicy: { kind: 'never' } }),
    });
    const settings: RunSettings = {
      modelProfile: options.model ?? config.llm.routes.agent[0] ?? 'default',
      maxIterations: options.maxIterations ?? config.limits.maxIterations,
      maxCostUsd: options.maxCost ?? config.limits.maxCostUsd,
      wallClockLimitMs: config.limits.wallClockLimitMs,
      toolNames: agent.tools.specs().map((s) => s.name),
      workspace: { kind: 'local', root },
      labels: { baseCommit: head, confirm: options.confirm ? 'policy' : 'never' },
    };
    const conversation = await Conversation.start({
      store,
      runId,
      agent,
      workspace,
      settings,
      task,
      sender: 'cli',
      deps: createConversationDeps(config, runId),
    });
    return await driveConversation(conversation, { ...ctx, yes: options.yes });
  } finally {
    await workspace.close();
    await store.close();
  }
}

/** Sortable by time, unique enough for one machine, safe as a file name and a Redis key. */
function newRunId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  return `run-${stamp}-${randomBytes(3).toString('hex')}`;
}

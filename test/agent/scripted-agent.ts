import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Conversation } from '../../src/agent/conversation.js';
import { loadConfig } from '../../src/config/index.js';
import type { EventStore, RunSettings } from '../../src/events/index.js';
import { createAgentSpec } from '../../src/runtime/create-agent-spec.js';
import { createConversationDeps } from '../../src/runtime/create-conversation-deps.js';
import type { ConfirmationPolicy } from '../../src/security/confirmation-policy.js';
import { createLocalWorkspace, type Workspace } from '../../src/workspace/index.js';
import type { ScriptedLlmServer } from '../support/scripted-llm/index.js';
import { SETTINGS } from './history.js';

export interface ScriptedAgentOptions {
  provider: 'openai' | 'anthropic';
  stream?: boolean;
  server: ScriptedLlmServer;
  repo: string;
  store: EventStore;
  runId?: string;
  env?: Record<string, string>;
  settings?: Partial<RunSettings>;
  confirmationPolicy?: ConfirmationPolicy;
  /** Where the tools act; a local workspace on `repo` unless given (the Docker tests pass theirs). */
  workspace?: Workspace;
}

/**
 * Builds the real agent (config → LLM clients → tools → analyzers) pointed at the scripted LLM server,
 * with retries that don't wait, and starts a conversation on a local repository.
 */
export async function startScriptedConversation(
  options: ScriptedAgentOptions,
  task = 'Fix the failing test.',
) {
  const config = loadConfig({
    LLM_PROVIDER: options.provider,
    LLM_API_KEY: 'sk-test-key-0123456789',
    LLM_MODEL: options.provider === 'openai' ? 'gpt-4o' : 'claude-sonnet-4-20250514',
    LLM_BASE_URL: options.provider === 'openai' ? options.server.openaiBaseUrl : options.server.url,
    LLM_STREAM: String(options.stream ?? false),
    LLM_MAX_RETRIES: '2',
    ...options.env,
  });
  const workspace = options.workspace ?? createLocalWorkspace({ root: options.repo });
  const agent = createAgentSpec(config, {
    workspaceRoot: workspace.root,
    sandboxed: workspace.kind === 'docker',
    llmDeps: { sleep: async () => {} },
    ...(options.confirmationPolicy ? { confirmationPolicy: options.confirmationPolicy } : {}),
  });
  const outputDir = await mkdtemp(path.join(tmpdir(), 'handsbot-outputs-'));
  let clock = Date.UTC(2026, 0, 1);
  let ids = 0;
  const deps = createConversationDeps(config, options.runId ?? 'run-scripted', {
    outputDir,
    now: () => {
      clock += 1000;
      return new Date(clock);
    },
    newId: () => `ev-${++ids}`,
  });
  const conversation = await Conversation.start({
    store: options.store,
    runId: options.runId ?? 'run-scripted',
    agent,
    workspace,
    settings: {
      ...SETTINGS,
      toolNames: agent.tools.specs().map((s) => s.name),
      workspace: { kind: workspace.kind, root: workspace.root },
      ...options.settings,
    },
    task,
    sender: 'tester',
    deps,
  });
  return { conversation, workspace, agent, config };
}

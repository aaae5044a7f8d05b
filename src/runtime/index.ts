/** Builds runnable things from config: the agent, its toolbox, its event store and conversation deps. */
export { type AgentSpecOptions, createAgentSpec } from './create-agent-spec.js';
export { createConversationDeps } from './create-conversation-deps.js';
export { createToolbox } from './create-toolbox.js';
export { openEventStore } from './open-event-store.js';
export { readGitHead } from './read-git-head.js';
export { readRunEvents } from './read-run-events.js';

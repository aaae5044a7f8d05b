export { createHandsbotApp, HANDLED_WEBHOOKS, type HandsbotAppOptions } from './create-handsbot-app.js';
export { type AgentCommand, parseAgentCommand } from './parse-agent-command.js';
export {
  type AppCredentials,
  type CredentialsCheck,
  GitHubAppConfigError,
  resolveAppCredentials,
} from './resolve-app-credentials.js';
export type { EnqueueResult, RunQueue } from './run-queue.js';
export { serveWebProcess, type WebProcess, type WebProcessOptions } from './serve-web-process.js';
export { type SetupFlowOptions, startSetupFlow } from './start-setup-flow.js';
export { startWebServer, type WebServer, type WebServerOptions } from './start-web-server.js';

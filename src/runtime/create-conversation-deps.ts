import path from 'node:path';
import type { ConversationDeps } from '../agent/conversation.js';
import type { Config } from '../config/load-config.js';
import { createRedactor } from '../security/redactor.js';

/**
 * What a conversation needs from its host: where full tool outputs go, and the redactor every event
 * passes before it is stored, so nothing built from the log (prompts, terminal output, comments)
 * carries a configured secret or a token-shaped string.
 */
export function createConversationDeps(
  config: Config,
  runId: string,
  overrides: Partial<ConversationDeps> = {},
): ConversationDeps {
  const redactor = createRedactor({ secrets: [...config.secrets] });
  return { outputDir: path.join(config.outputsDir, runId), redact: redactor.deep, ...overrides };
}

import path from 'node:path';
import type { ConversationDeps } from '../agent/conversation.js';
import type { Config } from '../config/load-config.js';
import { createRedactor, redactDeep } from '../security/redactor.js';

/** What every CLI command gets: config, its streams, and whether a person is at the terminal. */
export interface CliContext {
  config: Config;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  interactive: boolean;
}

/** Conversation dependencies shared by `run` and `resume`: redaction of everything logged, live text. */
export function conversationDeps(config: Config, runId: string): ConversationDeps {
  const redact = createRedactor({ secrets: [...config.secrets] });
  return {
    outputDir: path.join(config.outputsDir, runId),
    redact: <T>(value: T): T => redactDeep(value, redact),
  };
}

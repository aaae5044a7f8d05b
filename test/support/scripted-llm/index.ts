export { openAiContractValidator } from './openai-contract.js';
export type {
  RecordedRequest,
  Script,
  ScriptedFault,
  ScriptedOutcome,
  ScriptedReply,
  ScriptedToolCall,
  ScriptedTurn,
  ScriptedUsage,
  ToolResultSeen,
} from './script.js';
export { lastToolResult } from './script.js';
export type { ScriptedLlmServer, ScriptedLlmServerOptions } from './start-scripted-llm-server.js';
export { startScriptedLlmServer } from './start-scripted-llm-server.js';

import type { LlmCallMetrics, ToolSpec } from '../events/event.js';

/** Provider-neutral chat messages: the agent builds these from its event log; clients translate them. */
export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls: readonly ToolCall[] }
  | { role: 'tool'; toolCallId: string; toolName: string; content: string; isError: boolean };

export interface ToolCall {
  id: string;
  name: string;
  /** The raw JSON text the model produced; parsing and validation are the agent's job. */
  arguments: string;
}

export type LlmPurpose = LlmCallMetrics['purpose'];

export interface LlmRequest {
  purpose: LlmPurpose;
  messages: readonly ChatMessage[];
  tools: readonly ToolSpec[];
  maxOutputTokens?: number;
  temperature?: number;
}

export interface LlmCallOptions {
  signal?: AbortSignal;
  /** Streamed text as it arrives (for live display); the response is complete either way. */
  onTextDelta?: (text: string) => void;
}

export interface LlmResponse {
  /** The provider's response id, or one we made when it gave none. */
  id: string;
  content: string;
  toolCalls: ToolCall[];
  finishReason: 'stop' | 'tool_calls' | 'length' | 'other';
  metrics: LlmCallMetrics;
}

/** One configured model behind one provider; `complete` retries transient failures itself. */
export interface LlmClient {
  readonly profile: string;
  readonly model: string;
  complete(request: LlmRequest, options?: LlmCallOptions): Promise<LlmResponse>;
}

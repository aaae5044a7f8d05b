import type { ModelPrice } from './llm-profile.js';
import { costOf, type TokenUsage } from './pricing.js';
import type { LlmPurpose, LlmResponse, ToolCall } from './types.js';

/** What a provider adapter extracted from one successful call, before metrics are attached. */
export interface ProviderResult {
  id: string | undefined;
  content: string;
  toolCalls: ToolCall[];
  finishReason: LlmResponse['finishReason'];
  usage: TokenUsage;
}

export interface ResponseContext {
  profile: string;
  model: string;
  purpose: LlmPurpose;
  /** Time of the attempt that succeeded (waits between retries are not the model's latency). */
  latencyMs: number;
  price: ModelPrice;
  newId: () => string;
}

export function buildLlmResponse(result: ProviderResult, ctx: ResponseContext): LlmResponse {
  const id = result.id || ctx.newId();
  return {
    id,
    content: result.content,
    toolCalls: result.toolCalls,
    finishReason: result.finishReason,
    metrics: {
      responseId: id,
      profile: ctx.profile,
      model: ctx.model,
      purpose: ctx.purpose,
      promptTokens: result.usage.promptTokens,
      completionTokens: result.usage.completionTokens,
      cacheReadTokens: result.usage.cacheReadTokens,
      cacheWriteTokens: result.usage.cacheWriteTokens,
      latencyMs: Math.max(0, ctx.latencyMs),
      costUsd: costOf(result.usage, ctx.price),
    },
  };
}

export const NO_USAGE: TokenUsage = {
  promptTokens: 0,
  completionTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
};

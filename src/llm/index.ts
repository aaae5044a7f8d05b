export { createAnthropicClient } from './anthropic-client.js';
export type { LlmClientDeps, ProviderLlmClient, RetryInfo } from './llm-client-deps.js';
export type { LlmErrorKind } from './llm-error.js';
export { LlmError } from './llm-error.js';
export type { LlmProfile, LlmProfileInput, LlmRoutes, ModelPrice } from './llm-profile.js';
export { llmProfileSchema, llmRoutesSchema, modelPriceSchema } from './llm-profile.js';
export type { FallbackInfo, LlmRouter } from './llm-router.js';
export { createLlmClientFromProfile, createLlmRouter } from './llm-router.js';
export { createOpenAiClient } from './openai-client.js';
export type { PriceTable, ResolvedPrice, TokenUsage } from './pricing.js';
export { BUILTIN_PRICES, costOf, lookupPrice, resolvePrice } from './pricing.js';
export type {
  ChatMessage,
  LlmCallOptions,
  LlmClient,
  LlmPurpose,
  LlmRequest,
  LlmResponse,
  ToolCall,
} from './types.js';

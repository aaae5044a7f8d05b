import { z } from 'zod';

/** Dollars per million tokens. */
export const modelPriceSchema = z.object({
  inputPerMTok: z.number().nonnegative(),
  outputPerMTok: z.number().nonnegative(),
  cacheReadPerMTok: z.number().nonnegative().optional(),
  cacheWritePerMTok: z.number().nonnegative().optional(),
});
export type ModelPrice = z.infer<typeof modelPriceSchema>;

/** One named model behind one provider. Built from config, then never changed. */
export const llmProfileSchema = z.object({
  name: z.string().min(1),
  provider: z.enum(['openai', 'anthropic']),
  model: z.string().min(1),
  apiKey: z.string().min(1),
  /** OpenAI: the API root including `/v1`; Anthropic: the root without it. */
  baseUrl: z.string().url().optional(),
  stream: z.boolean().default(true),
  maxRetries: z.number().int().nonnegative().default(5),
  retryMinWaitMs: z.number().int().nonnegative().default(8_000),
  retryMaxWaitMs: z.number().int().nonnegative().default(64_000),
  timeoutMs: z.number().int().positive().default(300_000),
  maxOutputTokens: z.number().int().positive().default(8_192),
  /** Overrides the built-in price table for this model. */
  price: modelPriceSchema.optional(),
});
export type LlmProfile = z.infer<typeof llmProfileSchema>;
export type LlmProfileInput = z.input<typeof llmProfileSchema>;

/** Which profiles serve which purpose, in fallback order. */
export const llmRoutesSchema = z.object({
  agent: z.array(z.string()).min(1),
  condenser: z.array(z.string()).min(1),
  security: z.array(z.string()).min(1),
});
export type LlmRoutes = z.infer<typeof llmRoutesSchema>;

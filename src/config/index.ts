export { envSchema } from './env-schema.js';
export { type Config, ConfigError, type LlmConfig, loadConfig } from './load-config.js';

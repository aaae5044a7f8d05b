export { envSchema } from './env-schema.js';
export { type Config, ConfigError, type GitHubAppConfig, type LlmConfig, loadConfig } from './load-config.js';
export { loadEnvironment } from './load-environment.js';

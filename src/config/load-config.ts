import path from 'node:path';
import type { z } from 'zod';
import type { CondenserSettings } from '../agent/condenser.js';
import { type LlmProfile, type LlmRoutes, llmProfileSchema, type ModelPrice } from '../llm/llm-profile.js';
import type { ConfirmationPolicy } from '../security/confirmation-policy.js';
import type { NetworkPolicyInput } from '../workspace/network/network-policy.js';
import { type Env, envSchema } from './env-schema.js';

export interface Config {
  readonly dataDir: string;
  readonly eventStore:
    | { readonly kind: 'file'; readonly dir: string }
    | { readonly kind: 'redis'; readonly url: string };
  readonly outputsDir: string;
  readonly logLevel: Env['LOG_LEVEL'];
  readonly llm: LlmConfig;
  readonly limits: {
    readonly maxIterations: number;
    readonly maxCostUsd: number | null;
    readonly wallClockLimitMs: number;
  };
  readonly toolNames: 'current' | 'legacy';
  readonly condenser: CondenserSettings;
  readonly confirmationPolicy: ConfirmationPolicy;
  /** How long a gated action waits for an answer on GitHub before the run ends with a summary. */
  readonly confirmationTimeoutMs: number;
  /** Whether a model on the `security` route rates every action besides the rules and the agent's own rating. */
  readonly securityLlm: boolean;
  /** Values masked in everything handsbot writes: LLM keys and the variables named in HANDSBOT_SECRET_ENV. */
  readonly secrets: readonly string[];
  readonly githubApp: GitHubAppConfig;
  /** The job queue and its workers (`jobs/`). */
  readonly jobs: JobsConfig;
  /** Where and how runs execute on a worker: the Docker sandbox, its network, the git mirrors. */
  readonly sandbox: SandboxConfig;
}

export interface SandboxConfig {
  readonly image: string;
  readonly limits: { readonly memoryBytes?: number; readonly cpus?: number };
  readonly network: NetworkPolicyInput;
  readonly mirrorsDir: string;
  readonly checkoutsDir: string;
  readonly mirrorCacheMaxBytes: number;
  /** Disk a run's checkout may use (a repository may lower it), and how that holds. */
  readonly disk: { readonly limitBytes: number; readonly bound: 'auto' | 'filesystem' | 'watchdog' };
}

export interface JobsConfig {
  readonly redisUrl: string;
  readonly queuePrefix: string;
  readonly concurrency: number;
  readonly perInstallationLimit: number;
  readonly attempts: number;
  readonly backoffMs: number;
  readonly lockDurationMs: number;
  readonly shutdownGraceMs: number;
}

/**
 * The GitHub App as the web server (and the worker, which mints installation tokens) sees it. The
 * credentials are optional here because the CLI needs none; `resolveAppCredentials` in
 * src/github/app says which one is missing when the server starts.
 */
export interface GitHubAppConfig {
  readonly appId: number | null;
  /** The PEM as given (base64 and `\n` escapes are undone when it is resolved). */
  readonly privateKey: string | null;
  readonly privateKeyPath: string | null;
  readonly webhookSecret: string | null;
  /** null: Probot's default (localhost). */
  readonly host: string | null;
  readonly port: number;
  readonly webhookPath: string;
  readonly webhookProxyUrl: string | null;
  /** REST API root: https://api.github.com, or `<protocol>://<GHE_HOST>/api/v3` for GitHub Enterprise Server. */
  readonly baseUrl: string;
  /** The Enterprise host the setup flow registers the app on, when there is one. */
  readonly gheHost: string | null;
  /**
   * The web host of that GitHub (`github.com`, or GHE_HOST): the one host agent-written links and
   * images may point at in what handsbot posts (`neutralizeAgentMarkdown`).
   */
  readonly webHost: string;
  readonly org: string | null;
  /** The default trigger label; a repository's `.github/openhands.yml` is read by the job. */
  readonly triggerLabel: string;
}

/** Either usable profiles, or the exact reason there are none (commands that need no LLM still run). */
export type LlmConfig =
  | {
      readonly ok: true;
      readonly profiles: readonly LlmProfile[];
      readonly routes: LlmRoutes;
      readonly prices: Readonly<Record<string, ModelPrice>>;
    }
  | { readonly ok: false; readonly problem: string };

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const DEFAULT_MODEL = { openai: 'gpt-4o', anthropic: 'claude-sonnet-4-20250514' } as const;

/** Parses the environment once at start-up into a frozen config; a bad value names its variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(withoutEmpty(env));
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error, env));
  const e = parsed.data;
  const llm = buildLlmConfig(e, env);
  const dataDir = path.resolve(e.HANDSBOT_DATA_DIR);
  const profileKeys = llm.ok ? llm.profiles.map((p) => p.apiKey) : [];
  const config: Config = {
    dataDir,
    eventStore:
      e.HANDSBOT_EVENT_STORE === 'redis'
        ? { kind: 'redis', url: e.REDIS_URL }
        : { kind: 'file', dir: path.join(dataDir, 'runs') },
    outputsDir: path.join(dataDir, 'outputs'),
    logLevel: e.LOG_LEVEL,
    llm,
    limits: {
      maxIterations: e.HANDSBOT_MAX_ITERATIONS,
      maxCostUsd: e.HANDSBOT_MAX_COST_USD ?? null,
      wallClockLimitMs: e.HANDSBOT_WALL_CLOCK_LIMIT_S * 1000,
    },
    toolNames: e.HANDSBOT_TOOL_NAMES,
    condenser: {
      maxViewEvents: e.HANDSBOT_CONDENSER_MAX_EVENTS,
      keepFirst: e.HANDSBOT_CONDENSER_KEEP_FIRST,
      maxPromptTokens: e.HANDSBOT_CONDENSER_MAX_PROMPT_TOKENS ?? null,
    },
    confirmationPolicy:
      e.HANDSBOT_CONFIRMATION === 'risky'
        ? { kind: 'risky', threshold: e.HANDSBOT_CONFIRMATION_THRESHOLD, unknownAs: 'HIGH' }
        : { kind: e.HANDSBOT_CONFIRMATION },
    securityLlm: e.HANDSBOT_SECURITY_LLM,
    confirmationTimeoutMs: e.HANDSBOT_CONFIRMATION_TIMEOUT_S * 1000,
    secrets: [
      ...new Set([
        ...profileKeys,
        ...[e.LLM_API_KEY, e.OPENAI_API_KEY, e.ANTHROPIC_API_KEY].filter((k): k is string => k !== undefined),
        ...e.HANDSBOT_SECRET_ENV.map((name) => env[name]).filter((v): v is string => Boolean(v)),
        ...[e.PRIVATE_KEY, e.WEBHOOK_SECRET].filter((v): v is string => v !== undefined),
      ]),
    ],
    githubApp: {
      appId: e.APP_ID ?? null,
      privateKey: e.PRIVATE_KEY ?? null,
      privateKeyPath: e.PRIVATE_KEY_PATH ?? null,
      webhookSecret: e.WEBHOOK_SECRET ?? null,
      host: e.HOST ?? null,
      port: e.PORT,
      webhookPath: e.WEBHOOK_PATH,
      webhookProxyUrl: e.WEBHOOK_PROXY_URL ?? null,
      baseUrl: e.GHE_HOST ? `${e.GHE_PROTOCOL}://${e.GHE_HOST}/api/v3` : 'https://api.github.com',
      gheHost: e.GHE_HOST ?? null,
      webHost: (e.GHE_HOST ?? 'github.com').toLowerCase(),
      org: e.GH_ORG ?? null,
      triggerLabel: e.HANDSBOT_TRIGGER_LABEL,
    },
    jobs: {
      redisUrl: e.REDIS_URL,
      queuePrefix: e.HANDSBOT_QUEUE_PREFIX,
      concurrency: e.HANDSBOT_WORKER_CONCURRENCY,
      perInstallationLimit: e.HANDSBOT_PER_INSTALLATION_LIMIT,
      attempts: e.HANDSBOT_JOB_ATTEMPTS,
      backoffMs: e.HANDSBOT_JOB_BACKOFF_MS,
      lockDurationMs: e.HANDSBOT_JOB_LOCK_MS,
      shutdownGraceMs: e.HANDSBOT_SHUTDOWN_GRACE_S * 1000,
    },
    sandbox: {
      image: e.HANDSBOT_SANDBOX_IMAGE,
      limits: {
        ...(e.HANDSBOT_SANDBOX_MEMORY_MB ? { memoryBytes: e.HANDSBOT_SANDBOX_MEMORY_MB * 1024 * 1024 } : {}),
        ...(e.HANDSBOT_SANDBOX_CPUS ? { cpus: e.HANDSBOT_SANDBOX_CPUS } : {}),
      },
      network:
        e.HANDSBOT_NETWORK === 'allowlist'
          ? { mode: 'allowlist', hosts: e.HANDSBOT_NETWORK_ALLOW }
          : { mode: e.HANDSBOT_NETWORK },
      mirrorsDir: path.join(dataDir, 'mirrors'),
      checkoutsDir: path.join(dataDir, 'checkouts'),
      mirrorCacheMaxBytes: e.HANDSBOT_MIRROR_CACHE_MAX_MB * 1024 * 1024,
      disk: { limitBytes: e.HANDSBOT_DISK_LIMIT_MB * 1024 * 1024, bound: e.HANDSBOT_DISK_BOUND },
    },
  };
  return deepFreeze(config);
}

function buildLlmConfig(e: Env, env: NodeJS.ProcessEnv): LlmConfig {
  const prices = e.HANDSBOT_LLM_PRICES ?? {};
  const common = {
    stream: e.LLM_STREAM,
    maxRetries: e.LLM_MAX_RETRIES,
    retryMinWaitMs: e.LLM_RETRY_MIN_WAIT_MS,
    retryMaxWaitMs: e.LLM_RETRY_MAX_WAIT_MS,
    timeoutMs: e.LLM_TIMEOUT_MS,
    maxOutputTokens: 8_192,
  };
  let profiles: LlmProfile[];
  if (e.HANDSBOT_LLM_PROFILES) {
    const missing = e.HANDSBOT_LLM_PROFILES.filter((p) => !env[p.apiKeyEnv]);
    if (missing.length > 0) {
      return {
        ok: false,
        problem: `HANDSBOT_LLM_PROFILES names key variables that are not set: ${missing.map((p) => `${p.apiKeyEnv} (profile ${p.name})`).join(', ')}`,
      };
    }
    profiles = e.HANDSBOT_LLM_PROFILES.map(({ apiKeyEnv, ...entry }) =>
      // Unset fields of the entry fall back to the LLM_* settings shared by all profiles.
      llmProfileSchema.parse({ ...common, ...definedOnly(entry), apiKey: env[apiKeyEnv] }),
    );
  } else {
    const provider = e.LLM_PROVIDER ?? (e.ANTHROPIC_API_KEY && !e.OPENAI_API_KEY ? 'anthropic' : 'openai');
    const apiKey = e.LLM_API_KEY ?? (provider === 'openai' ? e.OPENAI_API_KEY : e.ANTHROPIC_API_KEY);
    if (!apiKey) {
      const providerKey = provider === 'openai' ? 'OPENAI_API_KEY' : 'ANTHROPIC_API_KEY';
      return {
        ok: false,
        problem:
          `no LLM API key is set. Set LLM_API_KEY (or ${providerKey}), and LLM_PROVIDER=openai|anthropic, ` +
          'LLM_MODEL, and LLM_BASE_URL for an OpenAI-compatible server.',
      };
    }
    profiles = [
      {
        ...common,
        name: 'default',
        provider,
        model: e.LLM_MODEL ?? DEFAULT_MODEL[provider],
        apiKey,
        ...(e.LLM_BASE_URL ? { baseUrl: e.LLM_BASE_URL } : {}),
      },
    ];
  }
  const names = profiles.map((p) => p.name);
  const routes = e.HANDSBOT_LLM_ROUTES;
  const resolved: LlmRoutes = {
    agent: routes?.agent ?? names,
    condenser: routes?.condenser ?? routes?.agent ?? names,
    security: routes?.security ?? routes?.agent ?? names,
  };
  const unknown = Object.values(resolved)
    .flat()
    .filter((name) => !names.includes(name));
  if (unknown.length > 0) {
    return {
      ok: false,
      problem: `HANDSBOT_LLM_ROUTES names unknown profiles: ${[...new Set(unknown)].join(', ')}`,
    };
  }
  return { ok: true, profiles, routes: resolved, prices };
}

/** An empty variable means "not set": `FOO= handsbot run` should not be a validation error. */
function withoutEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => Boolean(entry[1])),
  );
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function describeIssues(error: z.ZodError, env: NodeJS.ProcessEnv): string[] {
  return error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '(environment)');
    const value = env[name];
    const shown =
      value === undefined
        ? 'it is not set'
        : SECRET_NAME.test(name)
          ? 'value hidden'
          : `got ${JSON.stringify(clip(value))}`;
    const where = issue.path.length > 1 ? ` at ${issue.path.slice(1).join('.')}` : '';
    return `${name}${where}: ${issue.message} (${shown})`;
  });
}

const SECRET_NAME = /KEY|SECRET|TOKEN|PASSWORD/i;

function clip(value: string): string {
  return value.length > 60 ? `${value.slice(0, 60)}…` : value;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

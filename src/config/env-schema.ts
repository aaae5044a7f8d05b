import { z } from 'zod';
import { modelPriceSchema } from '../llm/llm-profile.js';

const int = (what: string) =>
  z.coerce
    .number({ error: `expected ${what}` })
    .int({ error: `expected ${what}` })
    .positive({ error: `expected ${what}` });

const positiveNumber = (what: string) =>
  z.coerce.number({ error: `expected ${what}` }).positive({ error: `expected ${what}` });

const bool = z
  .enum(['true', 'false', '1', '0'], { error: 'expected true or false' })
  .transform((v) => v === 'true' || v === '1');

/** A JSON value in an environment variable, parsed and then checked against `schema`. */
function json<T extends z.ZodType>(schema: T, what: string) {
  return z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: `expected JSON (${what})` });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

/** A profile as operators write it: the key is named by the variable that holds it, never inlined. */
export const profileEntrySchema = z.object({
  name: z.string().min(1),
  provider: z.enum(['openai', 'anthropic']),
  model: z.string().min(1),
  apiKeyEnv: z.string().min(1),
  baseUrl: z.url().optional(),
  stream: z.boolean().optional(),
  maxRetries: z.number().int().nonnegative().optional(),
  timeoutMs: z.number().int().positive().optional(),
  price: modelPriceSchema.optional(),
});

/**
 * Every environment variable handsbot reads, in one place. Nothing else reads `process.env`.
 * Descriptions feed the README's configuration table.
 */
export const envSchema = z.object({
  HANDSBOT_DATA_DIR: z
    .string()
    .min(1)
    .default('.handsbot')
    .describe('Where event logs and tool outputs are kept'),
  HANDSBOT_EVENT_STORE: z
    .enum(['file', 'redis'])
    .default('file')
    .describe('Event store: file (embedded) or redis'),
  REDIS_URL: z
    .url({ error: 'expected a redis:// URL' })
    .default('redis://127.0.0.1:6379')
    .describe('Redis for the job queue and the redis event store'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('pino log level'),
  LLM_PROVIDER: z
    .enum(['openai', 'anthropic'])
    .optional()
    .describe('openai (and OpenAI-compatible servers) or anthropic'),
  LLM_MODEL: z
    .string()
    .min(1)
    .optional()
    .describe('Model name; defaults to gpt-4o or claude-sonnet-4-20250514'),
  LLM_API_KEY: z
    .string()
    .min(1)
    .optional()
    .describe('API key; falls back to OPENAI_API_KEY / ANTHROPIC_API_KEY'),
  LLM_BASE_URL: z
    .url({ error: 'expected an http(s) URL' })
    .optional()
    .describe('API root (OpenAI-compatible: include /v1)'),
  OPENAI_API_KEY: z.string().min(1).optional().describe('OpenAI key, used when LLM_API_KEY is unset'),
  ANTHROPIC_API_KEY: z.string().min(1).optional().describe('Anthropic key, used when LLM_API_KEY is unset'),
  LLM_STREAM: bool.default(true).describe('Stream LLM responses'),
  LLM_MAX_RETRIES: z.coerce
    .number({ error: 'expected a whole number' })
    .int()
    .nonnegative()
    .default(5)
    .describe('Retries on 429, 5xx, timeouts'),
  LLM_RETRY_MIN_WAIT_MS: z.coerce.number().int().nonnegative().default(8_000).describe('First backoff wait'),
  LLM_RETRY_MAX_WAIT_MS: z.coerce
    .number()
    .int()
    .nonnegative()
    .default(64_000)
    .describe('Longest backoff wait'),
  LLM_TIMEOUT_MS: int('a positive whole number of milliseconds')
    .default(300_000)
    .describe('Timeout of one LLM request'),
  HANDSBOT_LLM_PROFILES: json(
    z.array(profileEntrySchema).min(1),
    'an array of {name, provider, model, apiKeyEnv, baseUrl?}',
  )
    .optional()
    .describe('Named model profiles (JSON); replaces the LLM_* single profile'),
  HANDSBOT_LLM_ROUTES: json(
    z.object({
      agent: z.array(z.string()).min(1),
      condenser: z.array(z.string()).min(1).optional(),
      security: z.array(z.string()).min(1).optional(),
    }),
    '{"agent": [...], "condenser": [...], "security": [...]}',
  )
    .optional()
    .describe('Profiles per purpose in fallback order (JSON); default: every profile, in order'),
  HANDSBOT_LLM_PRICES: json(
    z.record(z.string(), modelPriceSchema),
    '{"model": {"inputPerMTok": n, "outputPerMTok": n}}',
  )
    .optional()
    .describe('Price table overrides, dollars per million tokens (JSON)'),
  HANDSBOT_MAX_ITERATIONS: int('a positive whole number').default(50).describe('LLM steps per run'),
  HANDSBOT_MAX_COST_USD: positiveNumber('a positive number of dollars')
    .optional()
    .describe('Spending cap per run'),
  HANDSBOT_WALL_CLOCK_LIMIT_S: int('a positive whole number of seconds')
    .default(3_600)
    .describe('Active time per run'),
  HANDSBOT_TOOL_NAMES: z
    .enum(['current', 'legacy'])
    .default('current')
    .describe('Tool names the LLM sees (legacy: execute_bash, str_replace_editor)'),
  HANDSBOT_CONDENSER_MAX_EVENTS: int('a positive whole number')
    .default(80)
    .describe('Condense when the prompt holds more events'),
  HANDSBOT_CONDENSER_KEEP_FIRST: int('a positive whole number')
    .default(4)
    .describe('Events at the start never condensed'),
  HANDSBOT_CONDENSER_MAX_PROMPT_TOKENS: int('a positive whole number')
    .optional()
    .describe('Condense when a prompt used more tokens'),
  HANDSBOT_CONFIRMATION: z
    .enum(['never', 'always', 'risky'])
    .default('risky')
    .describe('When actions wait for approval'),
  HANDSBOT_CONFIRMATION_THRESHOLD: z
    .enum(['LOW', 'MEDIUM', 'HIGH'])
    .default('HIGH')
    .describe('Lowest risk that waits (risky policy)'),
  HANDSBOT_CONFIRMATION_TIMEOUT_S: int('a positive whole number of seconds')
    .default(86_400)
    .describe('How long a gated action waits for /agent approve or reject before the run ends'),
  HANDSBOT_SECURITY_LLM: bool
    .default(false)
    .describe('Also have a model (the "security" route) rate every action'),
  HANDSBOT_SECRET_ENV: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .describe('Comma-separated names of further variables whose values are masked everywhere'),
  // The GitHub App (web side). Probot's own variable names, so its setup flow and its docs apply as they are.
  // Optional here: the CLI runs without them; the web server checks them when it starts.
  APP_ID: int('the GitHub App id, a positive whole number').optional().describe('GitHub App id'),
  PRIVATE_KEY: z
    .string()
    .min(1)
    .optional()
    .describe('GitHub App private key (PEM, may be base64 or have \\n escapes)'),
  PRIVATE_KEY_PATH: z.string().min(1).optional().describe('Path of the GitHub App private key file'),
  WEBHOOK_SECRET: z.string().min(1).optional().describe('Secret GitHub signs webhook deliveries with'),
  HOST: z.string().min(1).optional().describe('Address the web server listens on'),
  PORT: z.coerce
    .number({ error: 'expected a port number' })
    .int({ error: 'expected a port number' })
    .min(1, { error: 'expected a port number' })
    .max(65_535, { error: 'expected a port number' })
    .default(3000)
    .describe('Port the web server listens on'),
  WEBHOOK_PATH: z
    .string()
    .regex(/^\//, { error: 'expected a path starting with /' })
    .default('/api/github/webhooks')
    .describe('Path that receives webhooks'),
  WEBHOOK_PROXY_URL: z
    .url({ error: 'expected an http(s) URL' })
    .optional()
    .describe('smee.io channel that forwards webhooks in development'),
  GHE_HOST: z
    .string()
    .regex(/^[A-Za-z0-9.-]+(:\d+)?$/, { error: 'expected a host name such as github.example.com' })
    .optional()
    .describe('GitHub Enterprise Server host name'),
  GHE_PROTOCOL: z.enum(['https', 'http']).default('https').describe('Protocol of GHE_HOST'),
  GH_ORG: z.string().min(1).optional().describe('Organisation the setup flow registers the app for'),
  HANDSBOT_TRIGGER_LABEL: z
    .string()
    .trim()
    .min(1)
    .max(50, { error: 'expected a GitHub label name (at most 50 characters)' })
    .default('openhands')
    .describe('Issue label that starts a run'),
  HANDSBOT_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'expected letters, digits, - or _' })
    .default('handsbot')
    .describe('Prefix of handsbot’s keys in Redis: the job queue and the redis event store'),
  HANDSBOT_WORKER_CONCURRENCY: int('a positive whole number')
    .default(2)
    .describe('Runs one worker does at once'),
  HANDSBOT_PER_INSTALLATION_LIMIT: int('a positive whole number')
    .default(2)
    .describe('Runs of one installation at once, across all workers'),
  HANDSBOT_JOB_ATTEMPTS: int('a positive whole number')
    .default(3)
    .describe('Attempts per run job after transient failures'),
  HANDSBOT_JOB_BACKOFF_MS: int('a positive whole number of milliseconds')
    .default(30_000)
    .describe('First retry delay, doubled per attempt'),
  HANDSBOT_JOB_LOCK_MS: int('a positive whole number of milliseconds')
    .default(60_000)
    .describe('A dead worker is noticed and its job picked up after about this long'),
  HANDSBOT_SHUTDOWN_GRACE_S: int('a positive whole number of seconds')
    .default(300)
    .describe('On SIGTERM, how long a worker waits for its runs to reach a step boundary'),
  HANDSBOT_SANDBOX_IMAGE: z
    .string()
    .min(1)
    .default('handsbot-sandbox:latest')
    .describe('Docker image runs execute in (sandbox/build-image.sh prints the tag it built)'),
  HANDSBOT_SANDBOX_MEMORY_MB: int('a positive whole number of megabytes')
    .optional()
    .describe('Memory per sandbox (no swap); default 2048'),
  HANDSBOT_SANDBOX_CPUS: positiveNumber('a positive number of CPUs')
    .optional()
    .describe('CPUs per sandbox; default 2'),
  HANDSBOT_NETWORK: z
    .enum(['none', 'open', 'allowlist'])
    .default('none')
    .describe("Sandbox egress: none, open, or allowlist (through the worker's proxy)"),
  HANDSBOT_NETWORK_ALLOW: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .describe('Comma-separated hosts allowed besides the package registries (allowlist mode)'),
  HANDSBOT_DISK_LIMIT_MB: int('a positive whole number of megabytes')
    .refine((mb) => mb >= 64, 'must be at least 64 megabytes')
    .default(10_240)
    .describe("Disk a run's checkout may use; a repository may lower it"),
  HANDSBOT_DISK_BOUND: z
    .enum(['auto', 'filesystem', 'watchdog'])
    .default('auto')
    .describe(
      'How the disk limit holds: each checkout its own loop-mounted filesystem (root and loop devices needed), a watchdog that stops a run over it, or auto (the first when it works)',
    ),
  HANDSBOT_MIRROR_CACHE_MAX_MB: int('a positive whole number of megabytes')
    .default(10_240)
    .describe('Total size of the bare git mirrors a worker keeps; least recently used go first'),
});

export type Env = z.infer<typeof envSchema>;

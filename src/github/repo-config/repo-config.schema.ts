import { z } from 'zod';
import { confirmationPolicySchema } from '../../security/confirmation-policy.js';
import { networkPolicySchema } from '../../workspace/network/network-policy.js';
import { installationDefault } from './installation-default.js';

/**
 * `.github/openhands.yml`: what one repository says about how handsbot works on it. Read from the
 * default branch only, so a pull request can never loosen its own rules. Keys are strict: a typo such
 * as `maxIteration` is an error that names the key, never a silently ignored setting.
 *
 * A key the installation also sets (its `HANDSBOT_*` variable) has no `.default()` here: a file that
 * leaves it out takes the installation's setting first, so one default would be wrong wherever the
 * operator chose otherwise. Its description says what applies instead (`installationDefault`), and
 * that is what the JSON Schema shows. Keys only a repository sets keep their defaults.
 */

/**
 * Permission levels that may trigger a run. A repository can narrow the default (e.g. `[admin]`) but
 * never widen it to read or triage: a public repository would then run an agent for anyone.
 */
export const TRIGGER_PERMISSION_LEVELS = ['write', 'maintain', 'admin'] as const;
export const triggerPermissionLevelSchema = z.enum(TRIGGER_PERMISSION_LEVELS);
export type TriggerPermissionLevel = z.infer<typeof triggerPermissionLevelSchema>;

/** A label GitHub accepts: 1-50 characters, no leading or trailing space. */
const labelSchema = z
  .string()
  .min(1)
  .max(50)
  .regex(/^\S(.*\S)?$/, { error: 'expected a label name without leading or trailing spaces' });

/** A path inside the repository: relative, no `..`, no backslashes (resolved again in the workspace). */
const repoPathSchema = z
  .string()
  .min(1)
  .max(255)
  .refine((p) => !p.startsWith('/') && !p.includes('\\') && !p.split('/').includes('..'), {
    error: 'expected a relative path inside the repository (no leading "/", no "..")',
  });

/** `name[:tag][@sha256:digest]`, optionally with a registry host: the shape `docker pull` accepts. */
const imageSchema = z
  .string()
  .max(255)
  .regex(
    /^(?:[a-z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/,
    { error: 'expected a container image reference such as "node:20-bookworm"' },
  );

/** A branch prefix such as `openhands/` or `bot-`: ref-safe characters, no `..`, no `//`. */
const branchPrefixSchema = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, {
    error: 'expected letters, digits, ".", "_", "-" and "/", starting with a letter or digit',
  })
  .refine((p) => !p.includes('..') && !p.includes('//') && !/\.lock(\/|$)/.test(p) && !/\/\./.test(p), {
    error: 'expected a prefix git accepts in a branch name (no "..", "//", "/." or ".lock")',
  });

export const repoConfigSchema = z
  .strictObject({
    triggerLabel: labelSchema
      .optional()
      .describe(
        `The label that starts a run on an issue; default: ${installationDefault('HANDSBOT_TRIGGER_LABEL')}`,
      ),
    modelProfile: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Name of one of the installation's model profiles (HANDSBOT_LLM_PROFILES); default: the installation's HANDSBOT_LLM_ROUTES agent route",
      ),
    maxIterations: z
      .number()
      .int()
      .positive()
      .max(500)
      .optional()
      .describe(
        `LLM steps per run, never more than the installation's limit; default: ${installationDefault('HANDSBOT_MAX_ITERATIONS')}`,
      ),
    maxCostUsd: z
      .number()
      .positive()
      .optional()
      .describe(
        `Dollars per run, never more than the installation's cap; default: ${installationDefault('HANDSBOT_MAX_COST_USD', 'no cap')}`,
      ),
    diskLimitMb: z
      .number()
      .int()
      .min(64)
      .optional()
      .describe(
        `Megabytes of disk the run's checkout may use, never more than the installation's limit; default: ${installationDefault('HANDSBOT_DISK_LIMIT_MB')}`,
      ),
    image: imageSchema
      .optional()
      .describe(
        `Container image the agent works in; default: ${installationDefault('HANDSBOT_SANDBOX_IMAGE')}`,
      ),
    setupScript: repoPathSchema
      .default('.openhands/setup.sh')
      .describe('Script run in the workspace before the agent starts, when the file exists'),
    network: networkPolicySchema
      .optional()
      .describe(
        `Network access from the sandbox: none, open, or an allowlist of hosts; default: ${installationDefault('HANDSBOT_NETWORK')} (an allowlist's hosts: HANDSBOT_NETWORK_ALLOW)`,
      ),
    confirmation: confirmationPolicySchema
      .optional()
      .describe(
        `Which actions wait for /agent approve: never, always, or risky (at or above a threshold); default: ${installationDefault('HANDSBOT_CONFIRMATION')} (threshold: ${installationDefault('HANDSBOT_CONFIRMATION_THRESHOLD')})`,
      ),
    triggerPermissions: z
      .array(triggerPermissionLevelSchema)
      .min(1)
      .default([...TRIGGER_PERMISSION_LEVELS])
      .describe('Repository permission levels allowed to trigger a run (bots never are)'),
    draftPullRequests: z.boolean().default(true).describe('Open pull requests as drafts'),
    branchPrefix: branchPrefixSchema
      .default('openhands/')
      .describe('Prefix of the branches handsbot creates'),
    allowWorkflowChanges: z
      .boolean()
      .default(false)
      .describe(
        'Allow the agent to change files under .github/workflows (refused otherwise); the PR still lists them under its flagged changes',
      ),
  })
  .describe('handsbot settings for one repository, read from .github/openhands.yml on the default branch');

/** What a repository writes (every key optional). */
export type RepoConfigInput = z.input<typeof repoConfigSchema>;
/** The parsed settings, defaults filled in (none for the keys the installation also sets). */
export type RepoConfig = z.output<typeof repoConfigSchema>;

import type { z } from 'zod';
import { envSchema } from '../../config/env-schema.js';

type InstallationVariable = keyof typeof envSchema.shape;

/**
 * "the installation's HANDSBOT_X, else <its default>": how `.github/openhands.yml`'s JSON Schema
 * describes the default of a key the installation also sets. A `default` keyword there would claim
 * one value for every installation (editors show it as the value that applies, some fill it in),
 * when a key the file leaves out takes the installation's setting first. The fallback is read from
 * the environment schema, so the text cannot drift from what the worker really does.
 *
 * `orElse` words the case of a variable with no default (e.g. "no cap").
 */
export function installationDefault(variable: InstallationVariable, orElse?: string): string {
  const schema: z.ZodType = envSchema.shape[variable];
  const parsed = schema.safeParse(undefined);
  const fallback =
    orElse ?? (parsed.success && parsed.data !== undefined ? JSON.stringify(parsed.data) : null);
  if (fallback === null) throw new Error(`${variable} has no default: say what applies without it`);
  return `the installation's ${variable}, else ${fallback}`;
}

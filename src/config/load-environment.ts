import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';

/**
 * The process environment with a `.env` file in `cwd` beneath it (a set variable wins, as with
 * dotenv). Probot's setup flow writes the app's credentials to `.env`, so a restarted server finds
 * them there. A missing file is not an error; an unreadable one is.
 */
export function loadEnvironment(
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Record<string, string | undefined> {
  const env = options.env ?? process.env;
  const file = path.join(options.cwd ?? process.cwd(), '.env');
  let fromFile: NodeJS.Dict<string> = {};
  try {
    fromFile = parseEnv(readFileSync(file, 'utf8'));
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'ENOENT')) throw error;
  }
  return { ...fromFile, ...env };
}

import type { Config } from '../config/load-config.js';

/** What every CLI command gets: config, its streams, and whether a person is at the terminal. */
export interface CliContext {
  config: Config;
  /** The environment config was parsed from (process env over `.env`): Probot's setup flow reads it. */
  env: Readonly<Record<string, string | undefined>>;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  interactive: boolean;
}

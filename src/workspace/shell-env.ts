/**
 * The environment the agent's shell and one-off commands get. It is built from an allowlist, never by
 * copying the worker's environment: the worker holds tokens and API keys, and anything the shell can
 * see, an injected agent can print.
 */
const ALLOWED_KEYS = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'LANG',
  'LC_ALL',
  'LC_CTYPE',
  'TZ',
  'TMPDIR',
] as const;

const FIXED: Readonly<Record<string, string>> = {
  TERM: 'dumb',
  // No pager and no prompt may ever wait for a keyboard that is not there.
  PAGER: 'cat',
  GIT_PAGER: 'cat',
  GIT_TERMINAL_PROMPT: '0',
  DEBIAN_FRONTEND: 'noninteractive',
};

export function buildShellEnv(
  source: Readonly<Record<string, string | undefined>> = process.env,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of ALLOWED_KEYS) {
    const value = source[key];
    if (value !== undefined) env[key] = value;
  }
  env.PATH ??= '/usr/local/bin:/usr/bin:/bin';
  env.LANG ??= 'C.UTF-8';
  return { ...env, ...FIXED, ...extra };
}

import { spawn } from 'node:child_process';
import { type SimpleGitOptions, simpleGit } from 'simple-git';
import { createRedactor } from '../../security/redactor.js';
import { classifyGitFailure, GitCommandError } from './git-errors.js';

export interface RunGitOptions {
  cwd: string;
  /**
   * The installation token. It travels as an `http.extraHeader` in the child's environment
   * (GIT_CONFIG_COUNT), so it is in neither argv (readable by every local user through `ps`, and kept
   * by simple-git in its errors) nor any config file.
   */
  token?: string | undefined;
  /** Extra per-command config, applied after the hardening below. */
  config?: readonly (readonly [string, string])[];
  /** Extra environment for this command (GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE…). */
  env?: Readonly<Record<string, string>>;
  signal?: AbortSignal | undefined;
  /** Where PATH, HOME and proxy settings come from; the worker's other variables never reach git. */
  source?: Readonly<Record<string, string | undefined>>;
}

/**
 * Settings every command gets, whatever a repository's own config says: no hooks, no credential
 * helper or askpass program, no fsmonitor program, no redirects (the token header must not follow
 * one to another host) and only the http(s) and local transports (no ssh, ext:: or git://, which an
 * `insteadOf` could otherwise switch to).
 */
const HARDENING: readonly (readonly [string, string])[] = [
  ['core.hooksPath', '/dev/null'],
  ['core.fsmonitor', 'false'],
  ['core.askPass', ''],
  ['credential.helper', ''],
  ['http.followRedirects', 'false'],
  ['protocol.allow', 'never'],
  ['protocol.https.allow', 'always'],
  ['protocol.http.allow', 'always'],
  ['protocol.file.allow', 'always'],
  ['gc.autoDetach', 'false'],
];

const PASSED_THROUGH = [
  'PATH',
  'HOME',
  'TMPDIR',
  'HTTPS_PROXY',
  'https_proxy',
  'HTTP_PROXY',
  'http_proxy',
  'NO_PROXY',
  'no_proxy',
];

/** The value git sends as `Authorization` for an installation token, as GitHub expects it. */
export function authorizationHeader(token: string): string {
  return `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`;
}

/**
 * The child's whole environment: PATH, HOME and proxies from `source`, no system or global config,
 * the hardening above, the token header and the caller's config (as GIT_CONFIG_COUNT pairs, never
 * argv), and the caller's GIT_DIR and friends.
 */
function gitEnvironment(options: Omit<RunGitOptions, 'cwd' | 'signal'>): Record<string, string> {
  const config = [
    ...HARDENING,
    ...(options.token === undefined
      ? []
      : [['http.extraHeader', authorizationHeader(options.token)] as const]),
    ...(options.config ?? []),
  ];
  const env: Record<string, string> = {};
  const source = options.source ?? process.env;
  for (const key of PASSED_THROUGH) {
    const value = source[key];
    if (value !== undefined) env[key] = value;
  }
  Object.assign(env, {
    LC_ALL: 'C',
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_COUNT: String(config.length),
    ...options.env,
  });
  config.forEach(([key, value], index) => {
    env[`GIT_CONFIG_KEY_${index}`] = key;
    env[`GIT_CONFIG_VALUE_${index}`] = value;
  });
  return env;
}

/**
 * `runGit` for output that is bytes, not text (raw objects): spawned directly, as simple-git only
 * returns strings, with the same environment and hardening. Failures are a redacted `GitCommandError`.
 */
export function runGitForBytes(
  args: readonly string[],
  options: RunGitOptions & {
    /** Written to git's standard input (`cat-file --batch` reads object names there). */
    input?: string;
  },
): Promise<Buffer> {
  const env = gitEnvironment(options);
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...args], {
      cwd: options.cwd,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.once('error', (err) => {
      if (options.signal?.aborted) reject(new GitCommandError('aborted', subcommand(args), null, 'aborted'));
      else reject(new GitCommandError('failed', subcommand(args), null, err.message));
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
    child.once('close', (code) => {
      if (code === 0) return resolve(Buffer.concat(stdout));
      const text = Buffer.concat(stderr).toString('utf8');
      const redact = createRedactor({
        secrets: options.token === undefined ? [] : secretForms(options.token),
      });
      reject(
        new GitCommandError(
          classifyGitFailure(text),
          subcommand(args),
          code,
          redact(text.trim()).slice(-2_000),
        ),
      );
    });
  });
}

/**
 * Runs one git command through simple-git and returns its stdout. Failures become a
 * `GitCommandError` with the token (raw, base64 and as a header) masked out of git's stderr.
 */
export async function runGit(args: readonly string[], options: RunGitOptions): Promise<string> {
  const env = gitEnvironment(options);
  // simple-git treats a non-zero exit with empty stderr as success and rewraps our errors, so the
  // real outcome is captured here, per command.
  let failure: { exitCode: number; stderr: string } | undefined;
  const sgOptions: Partial<SimpleGitOptions> = {
    baseDir: options.cwd,
    allowEnvironment: Object.keys(env).filter((key) => key.startsWith('GIT_')),
    // Every value below is set by this module, never taken from a repository or a user.
    unsafe: {
      allowUnsafeConfigEnvCount: true,
      allowUnsafeConfigPaths: true,
      allowUnsafeHooksPath: true,
      allowUnsafeCredentialHelper: true,
      allowUnsafeAskPass: true,
      allowUnsafeProtocolOverride: true,
      allowUnsafeFsMonitor: true,
      allowUnsafeTemplateDir: true,
    },
    errors: (error, result) => {
      if (result.exitCode !== 0) {
        failure = { exitCode: result.exitCode, stderr: Buffer.concat(result.stdErr).toString('utf8') };
        return error ?? new Error('git failed');
      }
      return error;
    },
    ...(options.signal ? { abort: options.signal } : {}),
  };
  try {
    return await simpleGit(sgOptions)
      .env(env)
      .raw([...args]);
  } catch (err) {
    const command = subcommand(args);
    const redact = createRedactor({
      secrets: options.token === undefined ? [] : secretForms(options.token),
    });
    if (options.signal?.aborted) throw new GitCommandError('aborted', command, null, 'aborted');
    if (failure !== undefined) {
      const detail = redact(failure.stderr.trim()).slice(-2_000);
      throw new GitCommandError(classifyGitFailure(failure.stderr), command, failure.exitCode, detail);
    }
    // A spawn failure or a simple-git plugin refusal: only its message, redacted, survives.
    const message = err instanceof Error ? err.message : String(err);
    throw new GitCommandError('failed', command, null, redact(message));
  }
}

/** Every shape in which the token could surface in git's output. */
export function secretForms(token: string): string[] {
  const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
  return [token, basic, `x-access-token:${token}`];
}

function subcommand(args: readonly string[]): string {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '-c' || arg === '-C') i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return 'git';
}

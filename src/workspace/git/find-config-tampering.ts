import { lstat } from 'node:fs/promises';
import path from 'node:path';
import type { ConfigFinding } from './git-errors.js';
import { runGit } from './run-git.js';

/**
 * Settings that, in a normal `git push` from the checkout, would send the push (and the token)
 * somewhere else or run a program: a remote or push URL, a receive-pack program, URL rewriting,
 * credential helpers, proxies and extra headers, hooks, ssh and askpass programs, and config includes
 * that could bring any of these in. Keys are as `git config --list` prints them (section and name
 * lower-cased, subsection as written).
 */
const PUSH_AFFECTING: readonly RegExp[] = [
  /^remote\..+\.(pushurl|receivepack|uploadpack|proxy|proxyauthmethod)$/,
  /^url\..+\.(insteadof|pushinsteadof)$/,
  /^credential\./,
  /^http\./,
  /^core\.(hookspath|sshcommand|askpass|gitproxy|fsmonitor)$/,
  /^(include|includeif)\./,
  /^extensions\.worktreeconfig$/,
];

/** Files in `.git` that make git read config from somewhere other than `.git/config`. */
const REDIRECTING_FILES = ['commondir', 'config.worktree'];

/**
 * Lists what the agent changed in the checkout's git config that bears on pushing. `expectedUrl` is
 * the origin URL provisioning wrote; anything else there counts. The config file is read on its own
 * (`--file`, which does not follow includes), never through git's usual lookup.
 */
export async function findConfigTampering(
  checkoutDir: string,
  expectedUrl: string,
  options: { source?: Readonly<Record<string, string | undefined>>; signal?: AbortSignal | undefined } = {},
): Promise<ConfigFinding[]> {
  const gitDir = path.join(checkoutDir, '.git');
  const findings: ConfigFinding[] = [];
  const dotGit = await lstat(gitDir).catch(() => undefined);
  if (!dotGit?.isDirectory()) return [{ key: '.git', value: 'not a directory (a gitfile or link?)' }];
  for (const name of REDIRECTING_FILES) {
    if (
      await lstat(path.join(gitDir, name)).then(
        () => true,
        () => false,
      )
    ) {
      findings.push({ key: `.git/${name}`, value: 'present' });
    }
  }
  const configFile = path.join(gitDir, 'config');
  const config = await lstat(configFile).catch(() => undefined);
  if (!config?.isFile()) return [...findings, { key: '.git/config', value: 'not a regular file' }];

  // Run from `/` so git does not discover (and read the rest of) the checkout's repository.
  const listing = await runGit(['config', '--file', configFile, '--no-includes', '--list', '--null'], {
    cwd: '/',
    ...(options.source ? { source: options.source } : {}),
    signal: options.signal,
  });
  let originUrls = 0;
  for (const entry of listing.split('\0')) {
    if (entry === '') continue;
    const newline = entry.indexOf('\n');
    const key = newline === -1 ? entry : entry.slice(0, newline);
    const value = newline === -1 ? '' : entry.slice(newline + 1);
    if (key === 'remote.origin.url') {
      originUrls++;
      if (value !== expectedUrl) findings.push({ key, value });
    } else if (PUSH_AFFECTING.some((pattern) => pattern.test(key))) {
      findings.push({ key, value });
    }
  }
  if (originUrls > 1) findings.push({ key: 'remote.origin.url', value: `set ${originUrls} times` });
  return findings;
}

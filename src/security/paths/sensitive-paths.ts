import type { Risk } from '../../events/event.js';

/**
 * Files that hold credentials. Matched against the path as written and as resolved (`~` for home),
 * so `$HOME/.ssh/id_rsa`, `~/.ssh/id_rsa` and `/home/me/.ssh/id_rsa` all match.
 */
interface SensitivePattern {
  readonly rule: string;
  readonly risk: Risk;
  readonly pattern: RegExp;
}

const PATTERNS: readonly SensitivePattern[] = [
  // Any process's (or thread's) environment, command line or memory: secrets passed to it are there.
  {
    rule: 'read-proc-environ',
    risk: 'HIGH',
    pattern: /\/proc\/[^/\s]+(\/task\/[^/\s]+)?\/(environ|cmdline|mem)\b/,
  },
  { rule: 'read-credentials', risk: 'HIGH', pattern: /(^|\/)\.ssh(\/|$)/ },
  // A public key (`id_rsa.pub`, a test fixture) holds nothing secret.
  { rule: 'read-credentials', risk: 'HIGH', pattern: /(^|\/)id_(rsa|dsa|ecdsa|ed25519)(?!\.pub\b)(\b|$)/ },
  { rule: 'read-credentials', risk: 'HIGH', pattern: /(^|\/)\.aws(\/|$)/ },
  {
    rule: 'read-credentials',
    risk: 'HIGH',
    pattern: /(^|\/)\.(netrc|git-credentials|pypirc|vault-token|pgpass|my\.cnf)$/,
  },
  { rule: 'read-credentials', risk: 'HIGH', pattern: /^(~|\/root|\/home\/[^/]+)\/\.npmrc$/ },
  { rule: 'read-credentials', risk: 'HIGH', pattern: /(^|\/)\.(docker\/config\.json|kube\/config)$/ },
  { rule: 'read-credentials', risk: 'HIGH', pattern: /(^|\/)\.config\/(gh\/hosts\.yml|hub|gcloud(\/|$))/ },
  { rule: 'read-credentials', risk: 'HIGH', pattern: /(^|\/)\.(gnupg|azure)(\/|$)/ },
  {
    rule: 'read-credentials',
    risk: 'HIGH',
    pattern: /(^|\/)\.(cargo\/credentials(\.toml)?|gem\/credentials)$/,
  },
  { rule: 'read-credentials', risk: 'HIGH', pattern: /(^|\/)\.terraform\.d\/credentials/ },
  { rule: 'read-credentials', risk: 'HIGH', pattern: /^\/etc\/(shadow|gshadow|sudoers)(\b|$)/ },
  { rule: 'read-credentials', risk: 'HIGH', pattern: /^\/(var\/)?run\/secrets(\/|$)/ },
  {
    rule: 'read-credentials',
    risk: 'HIGH',
    pattern: /(^|\/)\.(bash|zsh|python|node_repl|psql|mysql)_?history$/,
  },
  { rule: 'read-key-file', risk: 'MEDIUM', pattern: /\.(pem|key|p12|pfx|jks|keystore|ppk)$/ },
  { rule: 'read-key-file', risk: 'MEDIUM', pattern: /(^|\/)\.(npmrc|htpasswd)$/ },
  {
    rule: 'read-env-file',
    risk: 'MEDIUM',
    pattern: /(^|\/)\.env(\.(?!example$|sample$|template$|dist$)[\w.-]+)?$/,
  },
];

export interface SensitiveMatch {
  readonly rule: string;
  readonly risk: Risk;
}

/**
 * Where credentials live, spelled out, for globs to be tried against: `cat ~/.ss?/id_*` names no
 * file in its text, but the shell would hand it `~/.ssh/id_rsa`.
 */
const CREDENTIAL_FILES = [
  '~/.ssh/id_rsa',
  '~/.ssh/id_ed25519',
  '~/.ssh/id_ecdsa',
  '~/.aws/credentials',
  '~/.netrc',
  '~/.git-credentials',
  '~/.pypirc',
  '~/.npmrc',
  '~/.docker/config.json',
  '~/.kube/config',
  '~/.config/gh/hosts.yml',
  '~/.gnupg/private-keys-v1.d/key',
  '~/.vault-token',
  '~/.pgpass',
  '~/.bash_history',
  '~/.cargo/credentials.toml',
  '/etc/shadow',
  '/run/secrets/token',
  '/proc/1/environ',
  '/proc/self/environ',
  '/root/.ssh/id_rsa',
  '/home/user/.ssh/id_rsa',
];

/** The first credential pattern any of the spellings matches (the most severe come first). */
export function matchSensitivePath(
  ...spellings: readonly (string | undefined)[]
): SensitiveMatch | undefined {
  for (const { rule, risk, pattern } of PATTERNS) {
    if (spellings.some((s) => s !== undefined && pattern.test(s))) return { rule, risk };
  }
  for (const spelling of spellings) {
    // Only a glob rooted at `/` or `~` can be compared with where credentials live.
    if (spelling === undefined || !/[*?[]/.test(spelling) || !/^[/~]/.test(spelling)) continue;
    const glob = globToRegExp(spelling);
    // A glob that names a credential file, or a folder that holds one (`~/.s*` then `tar` of it).
    const hit = CREDENTIAL_FILES.find((file) => ancestorsOf(file).some((candidate) => glob.test(candidate)));
    if (hit !== undefined) return matchSensitivePath(hit);
  }
  return undefined;
}

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let index = 0; index < glob.length; index++) {
    const ch = glob[index] ?? '';
    if (ch === '*') {
      const double = glob[index + 1] === '*';
      source += double ? '.*' : '[^/]*';
      if (double) index++;
    } else if (ch === '?') source += '[^/]';
    else if (ch === '[') {
      const end = glob.indexOf(']', index + 2);
      if (end < 0) source += '\\[';
      else {
        source += `[${glob
          .slice(index + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        index = end;
      }
    } else source += ch.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  try {
    return new RegExp(`^${source}$`);
  } catch {
    // A bracket the shell would take literally (`[::-1]`, a backwards range): match the text as written.
    return new RegExp(`^${glob.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`);
  }
}

/** `~/.ssh/id_rsa` → itself and `~/.ssh`: the folder that holds it, not every folder above. */
function ancestorsOf(file: string): string[] {
  const folder = file.slice(0, file.lastIndexOf('/'));
  return folder === '~' || folder === '' ? [file] : [file, folder];
}

/** Names that look like they hold a secret: printing or sending their value leaks it. */
export const SECRET_VARIABLE =
  /^(\w*(TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?|AUTH|SESSION_?KEY|WEBHOOK_?SECRET)\w*)$/i;

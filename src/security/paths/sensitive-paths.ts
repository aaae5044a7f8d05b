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
  { rule: 'read-proc-environ', risk: 'HIGH', pattern: /\/proc\/[^/\s]+\/(environ|mem)\b/ },
  { rule: 'read-credentials', risk: 'HIGH', pattern: /(^|\/)\.ssh(\/|$)/ },
  { rule: 'read-credentials', risk: 'HIGH', pattern: /(^|\/)id_(rsa|dsa|ecdsa|ed25519)(\b|$)/ },
  { rule: 'read-credentials', risk: 'HIGH', pattern: /(^|\/)\.aws\/(credentials|config)$/ },
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

/** The first credential pattern any of the spellings matches (the most severe come first). */
export function matchSensitivePath(
  ...spellings: readonly (string | undefined)[]
): SensitiveMatch | undefined {
  for (const { rule, risk, pattern } of PATTERNS) {
    if (spellings.some((s) => s !== undefined && pattern.test(s))) return { rule, risk };
  }
  return undefined;
}

/** Names that look like they hold a secret: printing or sending their value leaks it. */
export const SECRET_VARIABLE =
  /^(\w*(TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?|AUTH|SESSION_?KEY|WEBHOOK_?SECRET)\w*)$/i;

import { maskAwsKeyPairs } from './mask-aws-key-pairs.js';
import { maskUrlCredentials } from './mask-url-credentials.js';
import { SECRET_MASK } from './secret-mask.js';

type Replacer = string | ((match: string, ...groups: string[]) => string);

/** A pattern and its replacement, or a function for a shape no single bounded pattern finds in linear time. */
export type TokenShape =
  | { readonly pattern: RegExp; readonly replace: Replacer }
  | { readonly mask: (text: string) => string };

/** Base64-ish characters a 40-character AWS secret access key is made of, and what may not follow it. */
const AWS_SECRET_VALUE = '[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])';
/** A value that names a secret rather than holding one: `${{ secrets.X }}`, `$TOKEN`, `<token>`, a mask. */
const NOT_A_REFERENCE = '(?![$<{%])';
/** Quotes around a key or value in JSON, YAML, shell or JavaScript. */
const Q = '["\'`]?';

/** A host after `@` in scheme-less credentials: a dotted name with a letter TLD, localhost or IPv4. */
const HOST =
  '(?=(?:localhost|\\d{1,3}(?:\\.\\d{1,3}){3}|(?:[A-Za-z0-9-]{1,63}\\.){1,10}[A-Za-z]{2,24})(?![A-Za-z0-9.-]))';

/**
 * Token shapes masked even when nobody told us the value: a token the agent found in a file or an
 * environment, a key pasted in an issue. Each keeps its recognisable prefix out of the mask only where
 * the prefix itself says nothing secret (`Bearer `, a header or key name, the user in `user:password@`).
 * Every repetition that can backtrack is bounded (a password to 256 characters, a user to 64) and every
 * pattern starts on a literal, so none goes back over more than a few hundred characters from one start:
 * the redactor stays linear on a megabyte of output with no line breaks, whatever an agent prints to slow
 * it down (bench/redactor.bench.ts has the hostile texts).
 */
export const TOKEN_SHAPES: readonly TokenShape[] = [
  {
    pattern:
      /-----BEGIN ([A-Z0-9 ]{0,40})PRIVATE KEY( BLOCK)?-----[\s\S]*?(-----END \1PRIVATE KEY( BLOCK)?-----|$)/g,
    replace: SECRET_MASK,
  },
  { pattern: /\bgithub_pat_[A-Za-z0-9_]{20,}/g, replace: SECRET_MASK },
  { pattern: /\bgh[posur]_[A-Za-z0-9]{20,}/g, replace: SECRET_MASK },
  // An AWS secret access key is 40 characters with nothing to recognise it by but its name or its id.
  {
    pattern: new RegExp(
      `\\b((?:aws[_-]?)?secret[_-]?access[_-]?key|aws[_-]?secret(?:[_-]?key)?)(${Q}(?:\\s{0,8}(?:[:=]|=>)\\s{0,8}|\\s{1,8})${Q})${AWS_SECRET_VALUE}`,
      'gi',
    ),
    replace: `$1$2${SECRET_MASK}`,
  },
  {
    pattern: new RegExp(
      `\\b(aws[_-]?session[_-]?token|x-amz-security-token|session[_-]?token)(${Q}(?:\\s{0,8}[:=]\\s{0,8}|\\s{1,8})${Q})[A-Za-z0-9/+=]{100,4096}`,
      'gi',
    ),
    replace: `$1$2${SECRET_MASK}`,
  },
  // Bare, next to its access key id (CSV exports, `aws configure list`), in either order.
  { mask: maskAwsKeyPairs },
  { pattern: /\b(AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|A3T[A-Z0-9])[A-Z0-9]{16}\b/g, replace: SECRET_MASK },
  { pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, replace: SECRET_MASK },
  { pattern: /\bsk-(ant-|proj-|or-|live-|test-)?[A-Za-z0-9_-]{20,}/g, replace: SECRET_MASK },
  // Stripe secret and restricted keys, live or test (a test key still reads the test account), and
  // webhook signing secrets. Publishable `pk_` keys are public by design (they ship in web pages).
  { pattern: /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}/g, replace: SECRET_MASK },
  { pattern: /\bwhsec_[A-Za-z0-9+/=]{16,}/g, replace: SECRET_MASK },
  {
    pattern:
      /\b(xox[abposr]-[A-Za-z0-9-]{10,}|glpat-[A-Za-z0-9_-]{20,}|npm_[A-Za-z0-9]{36}|AIza[0-9A-Za-z_-]{35})/g,
    replace: SECRET_MASK,
  },
  { pattern: /\b(Bearer|Token|Basic)\s+[A-Za-z0-9._~+/=-]{12,}/gi, replace: `$1 ${SECRET_MASK}` },
  // An Authorization header: whatever follows its scheme is a credential, however short. Without a
  // scheme, only a value that looks like a token (a digit in it), so code reading the header stays legible.
  {
    pattern: new RegExp(
      `\\b((?:proxy-)?authorization${Q}\\s{0,8}[:=]\\s{0,8}${Q})(?:(bearer|basic|token|digest|negotiate|bot)[ \\t]{1,8}${NOT_A_REFERENCE}[^\\s"'\`,;]{1,4096}|${NOT_A_REFERENCE}(?=[^\\s"'\`,;]{0,4096}\\d)[A-Za-z0-9._~+/=:-]{8,4096})`,
      'gi',
    ),
    replace: (_match, name = '', scheme) => `${name}${scheme ? `${scheme} ` : ''}${SECRET_MASK}`,
  },
  // API-key headers and parameters (`x-api-key: …`, `?api_key=…`, `"x-auth-token": "…"`) and settings
  // named for a secret (`DB_PASSWORD=…`, `webhook_secret: …`, `"csrf_token": "…"`), when the value looks
  // like a token: a digit in eight or more token characters, so `apiKey = getKey()` stays legible. The
  // name is matched from its last word (`x-api-key`, `auth-token`, `DB_PASSWORD`): what comes before stays.
  {
    pattern: new RegExp(
      `(?<![A-Za-z0-9])((?:api[_-]?key|secret[_-]?key|token|password|passwd|secret)${Q}\\s{0,8}[:=]\\s{0,8}${Q})${NOT_A_REFERENCE}(?=[A-Za-z0-9._~+/=-]{0,512}\\d)[A-Za-z0-9._~+/=-]{8,512}`,
      'gi',
    ),
    replace: `$1${SECRET_MASK}`,
  },
  { mask: maskUrlCredentials },
  // Scheme-less `user:password@host` (a DSN in an env file, `curl -u`-style text), up to the last `@`
  // before something that looks like a host. The literal `:` comes first and the user is read behind
  // it: a look-behind first would be tried at every character.
  // `mailto:someone@host` is an address, not a credential.
  {
    pattern: new RegExp(
      `:(?<=(?<![\\w.%+/:@-])([A-Za-z0-9._%+-]{1,64}):)(?!//)[^\\s'"<>]{1,256}@${HOST}`,
      'g',
    ),
    replace: (match, user = '') => (user.toLowerCase() === 'mailto' ? match : `:${SECRET_MASK}@`),
  },
];

import { classifyPath } from '../paths/classify-path.js';
import { SECRET_VARIABLE } from '../paths/sensitive-paths.js';
import { callFindings, foldConcatenations } from './interpreter-call-findings.js';
import { unquote } from './interpreter-calls.js';
import { type Finding, finding } from './rule.js';

/**
 * A one-liner's code (`python -c`, `node -e`, `perl -e`, ...) is not shell, but the same dangers hide
 * in it. We do not parse every language: we look for the calls that matter, and rate each string
 * literal that reaches a shell (`os.system('rm -rf /')`) as a shell command.
 */
export interface CodeScanContext {
  readonly workspaceRoot: string;
  rateEmbedded(script: string): readonly Finding[];
}

const SHELL_CALL =
  /\b(os\.system|os\.popen|subprocess\.\w+|commands\.getoutput|pty\.spawn|execSync|exec|execFileSync|spawnSync|spawn|system|popen|shell_exec|passthru|proc_open|IO\.popen|Open3\.\w+|qx|`)\s*\(?/;
const NETWORK_READ =
  /\b(urlopen|urllib\.request|requests\.(get|post)|httpx\.|http\.client|fetch\s*\(|https?\.get|https?\.request|axios|LWP::|HTTP::Tiny|Net::HTTP|open-uri|URI\.open|file_get_contents\s*\(\s*['"]https?:|curl_exec|wget)/;
const NETWORK_SEND =
  /\b(requests\.(post|put)|urlopen\([^)]*data|method\s*[:=]\s*['"](POST|PUT)|\.post\(|\.put\(|http\.request|https\.request|HTTP::Tiny->new->post|Net::HTTP::Post|curl_setopt[^;]*POSTFIELDS|sendall|\.send\(|\.write\()/;
const EVALUATES =
  /\b(exec|eval|Function|compile|vm\.run\w*|runInThisContext|instance_eval|class_eval|create_function|assert)\s*\(|\beval\b/;
const DECODES =
  /\b(b64decode|base64\.b64decode|decodebytes|atob|Buffer\.from\([^)]*['"](base64|hex)['"]|decode\(['"](base64|hex)|unhexlify|fromhex|MIME::Base64|decode_base64|unpack\(['"]m|base64_decode|Base64\.decode64|codecs\.decode)/;
const SOCKET =
  /\b(socket\.socket|socket\.create_connection|net\.connect|net\.Socket|net\.createConnection|IO::Socket|TCPSocket|fsockopen|socket\s*\()/;
const PROCESS_BRIDGE =
  /\b(os\.dup2|pty\.spawn|subprocess|child_process|\/bin\/(ba)?sh|exec\s*\(|open\s*\(\s*STDIN|spawn\s*\(|proc_open|system\s*\()/;
const FILE_READ =
  /\b(open\s*\(|readFileSync|readFile\(|File\.read|IO\.read|file_get_contents|slurp|Path\([^)]*\)\.read)/;
const ENV_DUMP =
  /\b(os\.environ(?!\s*(\[|\.get|\.setdefault|\.pop))|dict\(os\.environ\)|process\.env(?!\s*(\.|\[))|%ENV(?!\{)|\bENV\.to_h|\$_ENV(?!\[)|getenv\(\))/;
const ENV_NAMED =
  /(os\.environ(\.get)?\s*[[(]\s*|os\.getenv\s*\(\s*|process\.env\s*\[\s*|\$ENV\{\s*|ENV\[\s*|getenv\(\s*)['"]?([A-Za-z_]\w*)|process\.env\.([A-Za-z_]\w*)/g;
const DELETE_CALL =
  /\b(shutil\.rmtree|os\.remove|os\.unlink|os\.rmdir|fs\.rm(?:Sync)?|fs\.rmdirSync|fs\.unlinkSync|rimraf|FileUtils\.rm_rf|File\.delete|unlink|rmtree)\s*\(\s*(['"`])([^'"`]*)\2/g;
const FORK_BOMB =
  /fork\s*(\(\))?\s*while\s*fork|while\s*(True|1|true)\s*:\s*os\.fork|for\s*\(\s*;\s*;\s*\)\s*\{?\s*fork|while\s*\(\s*(1|true)\s*\)\s*\{?\s*(fork|child_process)/;
/** Perl and Ruby quote-like operators: `q{...}`, `qx(...)`, `%q{...}`, `%x[...]`. */
const QUOTE_LIKE =
  /(?:%[qQwWx]?|\bq[qxw]?)\{([^}]*)\}|(?:%[qQwWx]?|\bq[qxw]?)\(([^)]*)\)|(?:%[qQwWx]|\bq[qxw]?)\[([^\]]*)\]/g;
const STRING_LITERAL = /'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"|`((?:[^`\\]|\\.)*)`/g;

/** Text that turns into code or a name only when run: reversed, from char codes, hex, packed, rot13. */
const DEOBFUSCATES =
  /\[::-1\]|\bchr\s*\(|\bmap\s*\(\s*chr\b|\bmap\s*\{\s*chr|String\.fromCharCode|fromhex|unhexlify|\.reverse\(\)|\breverse\b|\bpack\s*\(|strrev|hex2bin|str_rot13|rot_?13|codecs\.decode|bytes\s*\(\s*\[/;
/** Any way out of the machine: sockets, DNS lookups, HTTP clients. */
const NETWORK_ANY =
  /\b(socket|TCPSocket|UDPSocket|IO::Socket|fsockopen|urlopen|urllib|http\.client|requests\.|httpx|fetch\s*\(|axios|LWP|HTTP::Tiny|Net::HTTP|open-uri|curl_exec)|require\s*\(\s*['"`](?:node:)?(net|dgram|dns|tls|https?)['"`]|\bdns\.|\bnet\.|\bdgram\./;
/** Reading what must not leave: dotenv files, keys, credentials, system files, the home directory. */
const SECRET_READ =
  /\.env\b|id_(rsa|dsa|ecdsa|ed25519)|\.ssh|\.aws|\.npmrc|\.netrc|\.pypirc|\.git-credentials|\.docker\/config|\/etc\/(passwd|shadow)|\/proc\/|expanduser|homedir|Dir\.home|os\.environ|process\.env(?!\.)|%ENV/;

const FILE_OR_ENV_READ =
  /\b(open\s*\(|readFileSync|readFile\(|File\.read|IO\.read|file_get_contents|slurp|read_text|os\.environ|process\.env|%ENV|getenv)/;

/** Reaching a module or a call by a computed name: the ways a one-liner hides `child_process` or `os`. */
const COMPUTED_REACH =
  /__import__|importlib|getattr|\brequire\s*\(|\bimport\s*\(|\bsend\s*\(|const_get|call_user_func|\$\w+\s*\(/;

/** Scans a one-liner's code; `depth` counts code run by code (`exec('...')`), as the shell nesting does. */
export function scanInterpreterCode(
  source: string,
  language: string,
  context: CodeScanContext,
  depth = 0,
): Finding[] {
  const findings: Finding[] = [];
  const match = `${language}: ${source}`;
  if (
    DEOBFUSCATES.test(source) &&
    (EVALUATES.test(source) || SHELL_CALL.test(source) || COMPUTED_REACH.test(source))
  )
    findings.push(finding('obfuscated-exec', 'HIGH', match));
  // `'cu' + 'rl'` is `'curl'`: fold literal pieces first, so every check below reads the joined text.
  const code = foldConcatenations(source);
  findings.push(...callFindings(source, code, language, context, depth, scanInterpreterCode));
  if (SOCKET.test(code) && PROCESS_BRIDGE.test(code)) findings.push(finding('reverse-shell', 'HIGH', match));
  if (NETWORK_READ.test(code) && (EVALUATES.test(code) || SHELL_CALL.test(code)))
    findings.push(finding('download-exec', 'HIGH', match));
  if (DECODES.test(code) && (EVALUATES.test(code) || SHELL_CALL.test(code)))
    findings.push(finding('obfuscated-exec', 'HIGH', match));
  if (
    NETWORK_SEND.test(code) &&
    NETWORK_READ.test(code) &&
    (FILE_READ.test(code) || /environ|process\.env|%ENV/.test(code))
  ) {
    findings.push(finding('exfiltrate-data', 'HIGH', match));
  }
  if (NETWORK_ANY.test(code) && SECRET_READ.test(code) && FILE_OR_ENV_READ.test(code))
    findings.push(finding('exfiltrate-data', 'HIGH', match));
  if (FORK_BOMB.test(code)) findings.push(finding('fork-bomb', 'HIGH', match));
  if (ENV_DUMP.test(code)) findings.push(finding('dump-environment', 'MEDIUM', match));
  for (const env of code.matchAll(ENV_NAMED)) {
    const name = env[3] ?? env[4] ?? '';
    if (SECRET_VARIABLE.test(name)) findings.push(finding('read-secret-env', 'HIGH', env[0]));
  }
  for (const call of code.matchAll(DELETE_CALL)) {
    const place = classifyPath(call[3] ?? '', context.workspaceRoot, context.workspaceRoot).place;
    if (place === 'root' || place === 'home' || place === 'outside' || place === 'workspace') {
      findings.push(
        finding(
          place === 'outside'
            ? 'delete-outside-workspace'
            : place === 'workspace'
              ? 'delete-workspace'
              : 'delete-system-root',
          'HIGH',
          call[0],
        ),
      );
    }
  }
  // Every string literal is rated as if it were a shell command or a path: `os.system('curl x|sh')`,
  // `open('/home/u/.ssh/id_rsa')`. Only real dangers count: a literal that is not shell is not UNKNOWN.
  for (const literal of [...code.matchAll(STRING_LITERAL), ...code.matchAll(QUOTE_LIKE)]) {
    const text = literal[1] ?? literal[2] ?? literal[3] ?? '';
    if (text.trim() === '') continue;
    const unescaped = unquote(text);
    findings.push(...context.rateEmbedded(unescaped).filter((f) => f.risk === 'HIGH' || f.risk === 'MEDIUM'));
  }
  return findings;
}

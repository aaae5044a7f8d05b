import { isShell } from '../shell/interpreters.js';
import type { ShellWord } from '../shell/shell-ir.js';
import { type CommandRule, type Finding, finding, hasFlag, operands } from './rule.js';

const CURL_VALUE_OPTIONS = new Set([
  '-H',
  '--header',
  '-o',
  '--output',
  '-X',
  '--request',
  '-A',
  '--user-agent',
  '-u',
  '--user',
  '-e',
  '--referer',
  '-b',
  '--cookie',
  '-c',
  '--cookie-jar',
  '-x',
  '--proxy',
  '-w',
  '--write-out',
  '-m',
  '--max-time',
  '--connect-timeout',
  '-K',
  '--config',
  '-E',
  '--cert',
  '--key',
  '--cacert',
  '--resolve',
  '--retry',
  '-r',
  '--range',
  '-z',
  '--url',
  '-d',
  '--data',
  '--data-binary',
  '--data-raw',
  '--data-urlencode',
  '--data-ascii',
  '-F',
  '--form',
  '--form-string',
  '-T',
  '--upload-file',
  '--json',
  '-Y',
  '-y',
]);
const CURL_DATA_OPTIONS = new Set([
  '-d',
  '--data',
  '--data-binary',
  '--data-raw',
  '--data-urlencode',
  '--data-ascii',
  '-F',
  '--form',
  '--form-string',
  '--json',
]);
/** Options naming a file curl writes here: a `$(mktemp)` there sends nothing. */
const CURL_LOCAL_FILE_OPTIONS = new Set(['-o', '--output', '-c', '--cookie-jar', '-D', '--dump-header']);
const SOCKET_TOOLS = new Set(['nc', 'ncat', 'netcat', 'telnet', 'cryptcat', 'pwncat']);
const LOOKUP_TOOLS = new Set([
  'dig',
  'nslookup',
  'host',
  'ping',
  'ping6',
  'traceroute',
  'whois',
  'drill',
  'getent',
  'resolvectl',
  'delv',
  'kdig',
]);
const MAILERS = new Set(['mail', 'mailx', 'mutt', 'sendmail', 'swaks']);

/** Hosts on this machine: sending to them (a dev server's health check, a local API) stays on the box. */
export function isLocalTarget(text: string): boolean {
  const host = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:[^@/\s]*@)?(\[[^\]]+\]|[^:/\s?#]+)/i.exec(text)?.[1] ?? '';
  return /^(localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[::1\]|::1|host\.docker\.internal)$/i.test(host);
}

const isRemoteSpec = (arg: string): boolean => /^rsync:\/\//.test(arg) || /^[^/\s:]+:(?!\/\/)/.test(arg);

/**
 * Data leaving the machine: uploads of files or command output (`curl -d @file`, `-F`, `-T`, `nc host
 * < file`, `scp x host:`, `aws s3 cp x s3://`), command output smuggled in URLs or DNS names, and
 * reverse shells (`bash -i >& /dev/tcp/...`, `nc -e`, `socat exec:`).
 */
export const networkExfiltrationRule: CommandRule = (view) => {
  const findings: Finding[] = [];
  const { name, args, command } = view;
  const line = command.raw;
  const fed =
    command.pipedFrom.length > 0 || command.redirects.some((r) => r.op === '<' || r.body !== undefined);

  for (const redirect of command.redirects) {
    if (!/^\/dev\/(tcp|udp)\//.test(redirect.target?.value ?? '')) continue;
    const shellish = isShell(name) || name === 'exec' || name === '';
    findings.push(finding(shellish ? 'reverse-shell' : 'exfiltrate-data', 'HIGH', `${command.raw}`));
  }
  if (view.words.some((w) => /^\/dev\/(tcp|udp)\//.test(w.value)))
    findings.push(finding('exfiltrate-data', 'HIGH', line));

  if (name === 'curl') findings.push(...curlFindings(view.words.slice(1), line));
  if (name === 'wget') {
    const target = operands(args, new Set(['-O', '-o', '--header', '-U', '--post-data', '--body-data'])).find(
      (a) => !a.startsWith('-'),
    );
    const local = target !== undefined && isLocalTarget(target);
    // A header, body or URL built from a command's output carries that output away.
    const computed = view.words.slice(1).some((w) => w.substitutions.length > 0);
    if (!local && (computed || hasFlag(args, '', '--post-file', '--body-file')))
      findings.push(finding('exfiltrate-data', 'HIGH', line));
    else if (!local && hasFlag(args, '', '--post-data', '--body-data'))
      findings.push(finding('network-send', 'MEDIUM', line));
  }
  if (name === 'http' || name === 'https' || name === 'xh') {
    if (args.some((a) => /^@|=@/.test(a)) && !args.some(isLocalTarget))
      findings.push(finding('exfiltrate-data', 'HIGH', line));
  }
  if (SOCKET_TOOLS.has(name)) {
    const local = operands(args).some(isLocalTarget);
    if (hasFlag(args, 'e', '--exec', '--sh-exec', '--lua-exec') || hasFlag(args, 'c'))
      findings.push(finding('reverse-shell', 'HIGH', line));
    else if (hasFlag(args, 'l', '--listen')) findings.push(finding('network-listener', 'MEDIUM', line));
    else if (!local)
      findings.push(
        fed ? finding('exfiltrate-data', 'HIGH', line) : finding('raw-network-connection', 'MEDIUM', line),
      );
  }
  if (name === 'socat') {
    if (args.some((a) => /^(exec|system):/i.test(a) || /,\s*(exec|system)[:=]/i.test(a)))
      findings.push(finding('reverse-shell', 'HIGH', line));
    else if (!args.some(isLocalTarget))
      findings.push(
        finding(fed ? 'exfiltrate-data' : 'raw-network-connection', fed ? 'HIGH' : 'MEDIUM', line),
      );
  }
  if (name === 'openssl' && args[0] === 's_client' && !args.some(isLocalTarget)) {
    findings.push(finding(fed ? 'exfiltrate-data' : 'raw-network-connection', fed ? 'HIGH' : 'MEDIUM', line));
  }
  if (name === 'scp' || name === 'sftp' || name === 'rsync') {
    const paths = operands(
      args,
      new Set([
        '-P',
        '-i',
        '-o',
        '-e',
        '-F',
        '-c',
        '-l',
        '-S',
        '--rsh',
        '--exclude',
        '--include',
        '--filter',
      ]),
    );
    const dest = paths.at(-1);
    if (dest !== undefined && isRemoteSpec(dest) && !isLocalTarget(dest.replace(/^[^@]*@/, '')))
      findings.push(finding('exfiltrate-data', 'HIGH', line));
    else if (paths.slice(0, -1).some(isRemoteSpec))
      findings.push(finding('network-download', 'MEDIUM', line));
  }
  if (name === 'ssh') {
    if (fed) findings.push(finding('exfiltrate-data', 'HIGH', line));
    else findings.push(finding('remote-shell', 'MEDIUM', line));
  }
  if (
    LOOKUP_TOOLS.has(name) &&
    view.words.slice(1).some((w) => w.substitutions.length > 0 || /\$\{?\w/.test(w.value))
  ) {
    findings.push(finding('exfiltrate-data', 'HIGH', line));
  }
  if (MAILERS.has(name))
    findings.push(
      finding(
        fed || hasFlag(args, 'a', '--attach') ? 'exfiltrate-data' : 'network-send',
        fed ? 'HIGH' : 'MEDIUM',
        line,
      ),
    );
  if (cloudUpload(name, args)) findings.push(finding('exfiltrate-data', 'HIGH', line));
  // `git send-email` mails patches (or any file named) to any address.
  if (name === 'git' && args.includes('send-email')) findings.push(finding('exfiltrate-data', 'HIGH', line));
  if (
    (name === 'python' || /^python[\d.]+$/.test(name)) &&
    args.includes('-m') &&
    args.includes('http.server')
  ) {
    findings.push(finding('network-listener', 'MEDIUM', line));
  }
  return findings;
};

function curlFindings(words: readonly ShellWord[], line: string): Finding[] {
  const values = words.map((w) => w.value);
  const targets: ShellWord[] = [];
  const data: ShellWord[] = [];
  let upload = false;
  // `-H @file` sends a file's lines as headers; a header or cookie built from `$(...)` sends output.
  let headersFromFile = false;
  for (let index = 0; index < words.length; index++) {
    const value = values[index] ?? '';
    const glued = /^(-d|-F|-T)(.+)$/.exec(value) ?? /^(--[a-z-]+)=(.*)$/.exec(value);
    const option = glued?.[1] ?? value;
    if (option === '-T' || option === '--upload-file') upload = true;
    if ((option === '-H' || option === '--header') && /^@/.test(glued?.[2] ?? values[index + 1] ?? ''))
      headersFromFile = true;
    if (CURL_DATA_OPTIONS.has(option)) {
      const next =
        glued === null ? words[index + 1] : { ...(words[index] as ShellWord), value: glued[2] ?? '' };
      if (next !== undefined) data.push(next);
    }
    if (option === '--url') {
      const next = words[index + 1];
      if (next !== undefined) targets.push(next);
    }
    if (glued === null && CURL_VALUE_OPTIONS.has(value)) index++;
    else if (!value.startsWith('-')) {
      const word = words[index];
      if (word !== undefined) targets.push(word);
    }
  }
  if (targets.length > 0 && targets.every((t) => isLocalTarget(t.value))) return [];
  const findings: Finding[] = [];
  const fromFile = data.some((d) => /(^|=)[@<]/.test(d.value) || d.value.includes('=@'));
  const fromCommand = words.some(
    (w, index) => w.substitutions.length > 0 && !CURL_LOCAL_FILE_OPTIONS.has(values[index - 1] ?? ''),
  );
  if (upload || fromFile || fromCommand || headersFromFile)
    findings.push(finding('exfiltrate-data', 'HIGH', line));
  else if (data.length > 0) findings.push(finding('network-send', 'MEDIUM', line));
  return findings;
}

function cloudUpload(name: string, args: readonly string[]): boolean {
  const paths = operands(args);
  const dest = paths.at(-1) ?? '';
  if (name === 'aws' && args[0] === 's3' && (args[1] === 'cp' || args[1] === 'sync' || args[1] === 'mv'))
    return dest.startsWith('s3://');
  if ((name === 'gsutil' || name === 'gcloud') && paths.includes('cp')) return dest.startsWith('gs://');
  if (name === 'az' && args.includes('upload')) return true;
  if (name === 'rclone' && (args[0] === 'copy' || args[0] === 'sync')) return dest.includes(':');
  return false;
}

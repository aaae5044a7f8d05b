import { classifyPath } from '../paths/classify-path.js';
import { isShell } from '../shell/interpreters.js';
import { type Call, findCalls, foldList, foldString } from './interpreter-calls.js';
import { type Finding, finding } from './rule.js';

/** What `scanInterpreterCode` is given (declared here too, so the two modules do not import each other). */
interface CodeScanContext {
  readonly workspaceRoot: string;
  rateEmbedded(script: string): readonly Finding[];
}

type Scan = (code: string, language: string, context: CodeScanContext, depth: number) => Finding[];

/** Code run by code run by code...: past this, say UNKNOWN (as the shell's own nesting limit does). */
const MAX_CODE_DEPTH = 3;

/**
 * How each language starts a process, runs text as code, reaches a module or function by name, and
 * deletes files. `shell`: the first argument is a shell command line; `argv`: a program and its
 * arguments (strings or a list); `code`: text run as code; `name`: the argument at `nameArg` names
 * what is loaded or called; `delete`: a path removed.
 */
interface CallPatterns {
  readonly shell?: RegExp;
  readonly argv?: RegExp;
  readonly code?: RegExp;
  readonly name?: RegExp;
  readonly delete?: RegExp;
}

const PATTERNS: Readonly<Record<string, CallPatterns>> = {
  python: {
    shell:
      /\b(os\.system|os\.popen|commands\.getoutput|subprocess\.getoutput|subprocess\.getstatusoutput|\.system|\.popen)(?=\s*\()/g,
    argv: /\b(subprocess\.(?:run|call|check_call|check_output|Popen)|os\.exec\w*|os\.spawn\w*|os\.posix_spawnp?|pty\.spawn)(?=\s*\()/g,
    code: /(?<![\w.])(eval|exec|compile)(?=\s*\()/g,
    name: /(?<![\w.])(__import__|importlib\.import_module|import_module|getattr)(?=\s*\()/g,
    delete: /\b(shutil\.rmtree|os\.remove|os\.unlink|os\.rmdir|os\.removedirs|rmtree)(?=\s*\()/g,
  },
  node: {
    shell: /\b(execSync|exec)(?=\s*\()/g,
    argv: /\b(spawnSync|spawn|execFileSync|execFile|fork)(?=\s*\()/g,
    code: /(?<![\w.])(eval|Function|runInThisContext|runInNewContext|runInContext|compileFunction|Script)(?=\s*\()/g,
    name: /(?<![\w.])(require|import)(?=\s*\()/g,
    delete: /\b(rmSync|rmdirSync|unlinkSync|rimraf|fs\.rm|fs\.rmdir|fs\.unlink|fsp\.rm)(?=\s*\()/g,
  },
  perl: {
    argv: /(?<![\w$>])(system|exec)(?=\s*\()/g,
    code: /(?<![\w$>])(eval)(?=\s*\()/g,
    delete: /(?<![\w$>])(unlink|rmtree|remove_tree|rmdir)(?=\s*\()/g,
  },
  ruby: {
    argv: /(?<![\w])(system|exec|spawn|IO\.popen|Open3\.\w+|Process\.spawn)(?=\s*\()/g,
    code: /(?<![\w])(eval|instance_eval|class_eval|module_eval)(?=\s*\()/g,
    name: /\.(send|public_send|__send__|const_get|method)(?=\s*\()/g,
    delete: /\b(FileUtils\.rm_rf|FileUtils\.rm_r|FileUtils\.rm|FileUtils\.remove_dir|File\.delete)(?=\s*\()/g,
  },
  php: {
    shell: /(?<![\w$>:])(system|exec|shell_exec|passthru|popen|proc_open|pcntl_exec)(?=\s*\()/g,
    code: /(?<![\w$>:])(eval|assert|create_function)(?=\s*\()/g,
    name: /(?<![\w$>:])(call_user_func|call_user_func_array)(?=\s*\()/g,
    delete: /(?<![\w$>:])(unlink|rmdir)(?=\s*\()/g,
  },
};

/** Modules whose only use in a one-liner that hides their name is to run, connect or delete. */
const POWERFUL_MODULES = new Set([
  'os',
  'subprocess',
  'pty',
  'socket',
  'shutil',
  'ctypes',
  'importlib',
  'builtins',
  'child_process',
  'net',
  'dgram',
  'dns',
  'tls',
  'http',
  'https',
  'vm',
  'worker_threads',
  'system',
  'popen',
  'exec',
  'execSync',
  'spawn',
  'eval',
]);

/** Reaching the loader around `require`, so no `require('child_process')` shows. */
const LOADER_BYPASS =
  /process\.mainModule|module\.constructor|process\.binding|_linkedBinding|\bmodule\.require\b/;
/** A member named by a built string: `obj['exec' + 'Sync']`, `os[name]` after a call. */
const COMPUTED_MEMBER = /\)\s*\[\s*(?!['"`]?\w*['"`]?\s*\])[^\]]+\]\s*\(/;
/** Perl/Ruby/shell-style backticks or `qx`/`%x` with interpolation: a command built at run time. */
const INTERPOLATED_BACKTICKS = /`[^`]*(\$|#\{)[^`]*`|\bqx\s*[({[/][^)}\]/]*\$|%x[({[][^)}\]]*#\{/;
/** Perl's piped `open`: `open(F, "|-", "sh")`, `open(F, "| sh")`. */
const PERL_PIPE_MODES = new Set(['|-', '-|']);

/** Replaces literal pieces joined by `+` or `.` with the one literal they make, and `'x'[::-1]` reversed. */
export function foldConcatenations(code: string): string {
  const piece = String.raw`(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")`;
  const joined = new RegExp(`${piece}(?:\\s*[+.]\\s*${piece})+`, 'g');
  const reversed = new RegExp(`${piece}\\s*\\[\\s*::\\s*-1\\s*\\]`, 'g');
  return code
    .replace(joined, (text) =>
      quoted(
        foldString(text.replace(/'\s*\.\s*(?=['"])/g, "'+").replace(/"\s*\.\s*(?=['"])/g, '"+')) ?? text,
        text,
      ),
    )
    .replace(reversed, (text) => {
      const value = foldString(text.replace(/\[\s*::\s*-1\s*\]$/, ''));
      return value === undefined ? text : quoted([...value].reverse().join(''), text);
    });
}

function quoted(value: string, original: string): string {
  if (value === original) return original;
  return JSON.stringify(value);
}

/**
 * What the calls in a one-liner start, run, load and delete, as far as their arguments can be read;
 * `code` is `source` with its literal pieces folded (`foldConcatenations`).
 */
export function callFindings(
  source: string,
  code: string,
  language: string,
  context: CodeScanContext,
  depth: number,
  scan: Scan,
): Finding[] {
  const family = language === 'bun' || language === 'deno' || language === 'nodejs' ? 'node' : language;
  const patterns = PATTERNS[family];
  if (patterns === undefined) return [];
  const findings: Finding[] = [];
  const where = (call: Call): string => `${language}: ${call.callee}(${call.args.join(', ')})`;
  if (family === 'node' && LOADER_BYPASS.test(code))
    findings.push(finding('module-loader-bypass', 'HIGH', `${language}: ${code}`));
  if (COMPUTED_MEMBER.test(source))
    findings.push(finding('computed-call', 'UNKNOWN', `${language}: ${code}`));
  if (INTERPOLATED_BACKTICKS.test(code))
    findings.push(finding('computed-command', 'UNKNOWN', `${language}: ${code}`));
  if (family === 'php' && /(?<![\w>:])\$\w+\s*\(/.test(code))
    findings.push(finding('computed-call', 'UNKNOWN', `${language}: ${code}`));

  // Node's process calls only mean processes where `child_process` is reached (`/re/.exec(s)` is not).
  const reachesProcesses = family !== 'node' || /child_process/.test(code) || LOADER_BYPASS.test(code);
  if (patterns.shell !== undefined && reachesProcesses) {
    for (const call of findCalls(code, patterns.shell)) {
      if (call.args.length === 0 || call.args[0] === '') continue;
      const line = foldString(call.args[0] ?? '');
      findings.push(
        ...(line === undefined
          ? [finding('computed-command', 'UNKNOWN', where(call))]
          : context.rateEmbedded(line)),
      );
    }
  }
  if (patterns.argv !== undefined && reachesProcesses) {
    for (const call of findCalls(code, patterns.argv)) {
      const line = argvLine(call);
      findings.push(
        ...(line === undefined
          ? [finding('computed-command', 'UNKNOWN', where(call))]
          : context.rateEmbedded(line)),
      );
    }
  }
  if (patterns.code !== undefined) {
    for (const call of findCalls(code, patterns.code)) {
      // `Function('a', 'b', 'return a+b')`: the body is the last argument; `compile(src, name, mode)` the first.
      const source = call.callee === 'Function' ? call.args.at(-1) : call.args[0];
      if (source === undefined || source === '') continue;
      const text = foldString(source);
      if (text === undefined) findings.push(finding('computed-code', 'UNKNOWN', where(call)));
      else if (depth >= MAX_CODE_DEPTH) findings.push(finding('nesting-too-deep', 'UNKNOWN', where(call)));
      else findings.push(...scan(text, language, context, depth + 1));
    }
  }
  if (patterns.name !== undefined) {
    // Read as written: folding `'n' + 'et'` into `'net'` would hide that the name was built.
    for (const call of findCalls(source, patterns.name)) {
      const index = call.callee === 'getattr' ? 1 : 0;
      const name = call.args[index];
      if (name === undefined || name === '') continue;
      const value = foldString(name);
      if (value === undefined) findings.push(finding('computed-name', 'UNKNOWN', where(call)));
      else if (POWERFUL_MODULES.has(value.replace(/^node:/, '')) && !/^['"`][^'"`]*['"`]$/.test(name.trim()))
        findings.push(finding('obfuscated-name', 'HIGH', where(call)));
    }
  }
  if (patterns.delete !== undefined) findings.push(...deleteFindings(code, patterns.delete, context, where));
  if (family === 'perl') findings.push(...perlPipeFindings(code, context, where));
  return findings;
}

/** `['rm', '-rf', 'x']`, `('sh', ['sh', '-c', 'id'])`, `system("rm", "-rf", "x")` as one command line. */
function argvLine(call: Call): string | undefined {
  const words: string[] = [];
  let lists = 0;
  for (const arg of call.args) {
    // Keyword arguments, option objects and spawn modes say how, not what.
    if (/^\w+\s*=(?!=)/.test(arg) || arg.startsWith('{') || /^os\.P_\w+$/.test(arg) || arg === '') continue;
    const list = foldList(arg.replace(/^\*/, ''));
    if (list !== undefined) {
      lists++;
      // `os.execvp('sh', ['sh', '-c', ...])`: the leading program name repeats the list's first word.
      if (words.length === 1 && words[0] === list[0]) words.pop();
      words.push(...list);
      continue;
    }
    const value = foldString(arg);
    if (value === undefined) return undefined;
    words.push(value);
  }
  if (words.length === 0) return undefined;
  // One string alone is a command line (`system("rm -rf x")`, `Popen('ls -l', shell=True)`).
  if (words.length === 1 && lists === 0) return words[0];
  return words.map((w) => `'${w.replaceAll("'", `'\\''`)}'`).join(' ');
}

function deleteFindings(
  code: string,
  pattern: RegExp,
  context: CodeScanContext,
  where: (call: Call) => string,
): Finding[] {
  const findings: Finding[] = [];
  for (const call of findCalls(code, pattern)) {
    const target = call.args[0];
    if (target === undefined || target === '') continue;
    const literal = foldString(target);
    if (literal !== undefined) continue; // literal paths: rated by the literal scan in interpreter-code
    if (/expanduser|homedir|Dir\.home|\bHOME\b|getenv|environ|ENV\[|\$ENV\{|~/.test(target)) {
      findings.push(finding('delete-outside-workspace', 'HIGH', where(call)));
      continue;
    }
    // A path built from pieces: rate each literal piece as a place; outside the workspace is HIGH.
    const pieces = [...target.matchAll(/'([^']*)'|"([^"]*)"/g)].map((m) => m[1] ?? m[2] ?? '');
    const outside = pieces.some((p) => {
      const place = classifyPath(p, context.workspaceRoot, context.workspaceRoot).place;
      return p.startsWith('/') && (place === 'root' || place === 'outside' || place === 'home');
    });
    findings.push(
      outside
        ? finding('delete-outside-workspace', 'HIGH', where(call))
        : finding('delete-computed-path', 'MEDIUM', where(call)),
    );
  }
  return findings;
}

/** `open(my $f, "|-", "sh")` then `print $f "..."`: the program feeds code to a shell it started. */
function perlPipeFindings(code: string, context: CodeScanContext, where: (call: Call) => string): Finding[] {
  const findings: Finding[] = [];
  for (const call of findCalls(code, /(?<![\w$>])(open)(?=\s*\()/g)) {
    const values = call.args.map(foldString);
    let command: string | undefined;
    if (values.some((v) => v !== undefined && PERL_PIPE_MODES.has(v.trim()))) {
      const rest = values.slice(
        values.findIndex((v) => v !== undefined && PERL_PIPE_MODES.has(v.trim())) + 1,
      );
      command = rest.every((v) => v !== undefined) ? rest.join(' ') : undefined;
      if (command === undefined) {
        findings.push(finding('computed-command', 'UNKNOWN', where(call)));
        continue;
      }
    } else {
      const piped = values.find((v) => v !== undefined && /^\s*\||\|\s*$/.test(v));
      if (piped === undefined) continue;
      command = piped.replace(/^\s*\|\s*|\s*\|\s*$/g, '');
    }
    findings.push(...context.rateEmbedded(command));
    const program = command.trim().split(/\s+/)[0]?.split('/').at(-1) ?? '';
    if (isShell(program)) findings.push(finding('feeds-code-to-shell', 'UNKNOWN', where(call)));
  }
  return findings;
}

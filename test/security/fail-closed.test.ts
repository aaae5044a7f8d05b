import { describe, expect, it } from 'vitest';
import { rateTerminal, rules } from './gate.js';

describe('what the analyzer cannot resolve is gated', () => {
  it.each([
    ['a variable set outside the script names the program', '$r -rf ~', 'dynamic-command'],
    ['an unknown array names the program', '"${cmd[@]}" -rf ~', 'dynamic-command'],
    ['a function runs its unknown arguments', 'f(){ "$@"; }', 'dynamic-command'],
    [
      'a branch decides which program runs',
      'if [ -f x ]; then c=ls; else c=rm; fi; $c -rf ~',
      'dynamic-command',
    ],
    ['an alternative may or may not set it', 'c=ls; test -f x || c=rm; $c -rf ~', 'dynamic-command'],
    ['eval of a variable the script did not set', 'eval "$PAYLOAD"', 'dynamic-command'],
    ['eval of text computed at run time', 'eval "$(cat notes.txt)"', 'eval-computed-text'],
    ['bash -c of text computed at run time', 'bash -c "$(cat notes.txt)"', 'eval-computed-text'],
    ['a glob names the program', '/usr/bin/r? -rf ~', 'dynamic-command'],
    ['a default from the environment', '${X:-rm} -rf ~', 'dynamic-command'],
    [
      'a substitution that is not spelled out names the program',
      '$(tr a-z n-za-m <<< ez) -rf ~',
      'dynamic-command',
    ],
    ['IFS set from outside splits a known value', 'IFS=$SEP; c="rm,-rf,~"; $c', 'dynamic-command'],
    ['a nameref points at another variable', 'declare -n r=cmd; cmd=rm; $r -rf ~', 'dynamic-command'],
    ['unparseable input', 'echo "unterminated', 'unparseable'],
  ])('%s: %s is UNKNOWN and waits for approval', (_name, command, rule) => {
    const verdict = rateTerminal(command);
    expect(verdict.risk).toBe('UNKNOWN');
    expect(rules(verdict)).toContain(rule);
    expect(verdict.gated).toBe(true);
  });
});

describe('what the script resolves itself is rated for what runs', () => {
  it.each([
    ['printf -v builds the name', "printf -v r '\\x72\\x6d'; $r -rf ~"],
    ['an array holds the command', 'a=(rm -rf ~); "${a[@]}"'],
    ['an array grown with +=', 'a=(rm); a+=(-rf ~); "${a[@]}"'],
    ['a variable split into words', 'c="rm -rf ~"; $c'],
    ['IFS changes how it splits', 'IFS=,; c="rm,-rf,~"; $c'],
    ['brace expansion in command position', '{rm,-rf,~}'],
    ['brace expansion inside a word', 'r{m,} -rf ~'],
    ['a function runs its arguments', 'f(){ "$@"; }; f rm -rf ~'],
    ['a function runs its first argument', 'run() { $1 -rf ~; }; run rm'],
    ['nested functions pass arguments on', 'a(){ "$@"; }; b(){ a "$@"; }; b rm -rf ~'],
    ['set -- fills the positional parameters', 'set -- rm -rf ~; "$@"'],
    ['read takes words from a here-string', 'read -ra w <<< "rm -rf ~"; "${w[@]}"'],
    ['a for loop over literal words', 'for c in ls rm; do $c -rf ~; done'],
    ['a default value the script decides', 'X=; ${X:-rm} -rf ~'],
    ['a substitution whose output the script spells', '$(echo rm) -rf ~'],
    ['a reversed name', '$(echo mr | rev) -rf ~'],
    ['an eval of a resolved variable', 'c="rm -rf ~"; eval "$c"'],
    ['bash -c with positional arguments', 'bash -c \'"$@"\' _ rm -rf ~'],
    ['xargs hands sh -c its $1', 'echo ~ | xargs -I{} sh -c \'rm -rf "$1"\' sh {}'],
    ['a program under a directory variable', '$BIN/rm -rf ~'],
    ['a path built from $(pwd)', 'rm -rf "$(pwd)/../.."'],
    ['a script written then sourced', 'echo "rm -rf ~" > /tmp/x.sh; . /tmp/x.sh'],
  ])('%s: %s is HIGH', (_name, command) => {
    const verdict = rateTerminal(command);
    expect(verdict.risk, JSON.stringify(verdict.reasons)).toBe('HIGH');
    expect(rules(verdict)).toContain('delete-system-root');
    expect(verdict.gated).toBe(true);
  });
});

describe('variables as arguments in everyday commands stay LOW', () => {
  it.each([
    'echo $HOME',
    'for f in *.ts; do echo "$f"; done',
    'for f in src/*.ts; do wc -l "$f"; done',
    'NAME=world; echo "hello $NAME"',
    'export NODE_ENV=test && npm test',
    'files=(a.ts b.ts); npx biome check "${files[@]}"',
    'log() { echo "[$(date +%T)] $*"; }; log building; npm run build',
    'mkdir -p src/{components,hooks,utils}',
    'cp config.{json,json.bak}',
    'for i in {1..3}; do npm test && break; done',
    'IFS=: read -r user rest <<< "dev:x:1000"; echo "$user"',
    '"$HOME/.cargo/bin/cargo" build',
    'ls "$PWD"',
    'x=$(git rev-parse HEAD); echo "$x"',
    'cat *',
    'rm -rf "$(pwd)/build"',
  ])('%s', (command) => {
    const verdict = rateTerminal(command);
    expect(verdict.risk, JSON.stringify(verdict.reasons)).toBe('LOW');
    expect(verdict.gated).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { rateTerminal, rules } from './gate.js';

/** Each program runs `rm -rf ~` (or a download piped into a shell) given as its arguments. */
describe('programs that run their arguments as code are rated as that code', () => {
  it.each([
    ["env -S 'rm -rf ~'"],
    ["env --split-string='rm -rf ~'"],
    ["flock /tmp/lock -c 'rm -rf ~'"],
    ['watch -n 1 rm -rf ~'],
    ["script -qc 'rm -rf ~' /dev/null"],
    ['coproc rm -rf ~'],
    ['coproc JOB { rm -rf ~; }'],
    ['echo ~ | xargs rm -rf'],
    ['find . -maxdepth 0 -exec rm -rf ~ \\;'],
    ['find . -name x -ok rm -rf ~ \\;'],
    ["tar -cf /tmp/a.tar --checkpoint=1 --checkpoint-action=exec='rm -rf ~' src"],
    ["tar -xf a.tar --to-command='rm -rf ~'"],
    ["tar -I 'rm -rf ~' -xf a.tar"],
    ["tar --use-compress-program='rm -rf ~' -xf a.tar"],
    ["sed -n '1e rm -rf ~' notes.txt"],
    ["sed 's/.*/rm -rf ~/e' notes.txt"],
    ["git rebase -x 'rm -rf ~' HEAD~2"],
    ["git rebase --exec='rm -rf ~' HEAD~2"],
    ['git bisect run rm -rf ~'],
    ["git submodule foreach 'rm -rf ~'"],
    ["GIT_EDITOR='rm -rf ~' git commit"],
    ["GIT_SEQUENCE_EDITOR='rm -rf ~' git rebase -i HEAD~2"],
    ["EDITOR='rm -rf ~' crontab -e"],
    ["PAGER='rm -rf ~' man ls"],
    ["GIT_PAGER='rm -rf ~' git log"],
    ["export LESSOPEN='|rm -rf ~ %s'"],
    ["export PROMPT_COMMAND='rm -rf ~'"],
    ["git -c alias.x='!rm -rf ~' x"],
    ["git -c core.pager='rm -rf ~' log"],
    ["git config alias.st '!rm -rf ~'"],
    ["git config filter.x.smudge 'rm -rf ~'"],
    ["bash <(echo 'rm -rf ~')"],
    ["source <(printf 'rm -rf ~')"],
    [". <(echo 'rm -rf ~')"],
    ['parallel rm -rf ::: ~'],
    ["parallel 'rm -rf {}' ::: ~"],
    ['nohup rm -rf ~ &'],
    ['setsid rm -rf ~'],
    ['stdbuf -o0 rm -rf ~'],
    ['nice -n 10 rm -rf ~'],
    ['ionice -c 3 rm -rf ~'],
    ['chroot / rm -rf ~'],
    ['unshare rm -rf ~'],
    ["su -c 'rm -rf ~' dev"],
    ['runuser -u dev -- rm -rf ~'],
    ["runuser -l dev -c 'rm -rf ~'"],
    ['timeout 5 rm -rf ~'],
    ['strace -f rm -rf ~'],
    ["gdb -batch -ex 'shell rm -rf ~'"],
    ["gdb -batch -ex '!rm -rf ~'"],
    ['gdb --args rm -rf ~'],
    ['awk \'BEGIN { system("rm -rf ~") }\''],
    ['awk \'BEGIN { "rm -rf ~" | getline }\''],
    ["vim -c '!rm -rf ~' -c q"],
    ["vim '+!rm -rf ~' +q"],
    ['rsync -e \'sh -c "rm -rf ~"\' a host:b'],
    ["ssh build-host 'rm -rf ~'"],
    ["ssh -o ProxyCommand='rm -rf ~' host"],
    ["alias ls='rm -rf ~'"],
    ["trap 'rm -rf ~' EXIT"],
    ["trap 'rm -rf ~' DEBUG"],
    ["trap 'rm -rf ~' ERR"],
    ['cleanup() { rm -rf ~; }'],
    ['uv run rm -rf ~'],
    ['bundle exec rm -rf ~'],
    ['bind -x \'"\\C-t": rm -rf ~\''],
  ])('%s', (command) => {
    const verdict = rateTerminal(command);
    expect(verdict.risk, JSON.stringify(verdict.reasons)).toBe('HIGH');
    expect(rules(verdict)).toContain('delete-system-root');
    expect(verdict.gated).toBe(true);
  });

  it.each([
    ['awk \'BEGIN { c = "r" "m -rf ~"; system(c) }\''],
    ['awk \'BEGIN { print "rm -rf ~" | "sh" }\''],
    ["sed 's/^/x/e' notes.txt"],
    ['gdb -p 1 -batch -ex \'call system("id")\''],
    ["vim -c 'call system(g:x)' -c q"],
  ])('code that runs but cannot be read is UNKNOWN and gated: %s', (command) => {
    const verdict = rateTerminal(command);
    expect(['UNKNOWN', 'HIGH']).toContain(verdict.risk);
    expect(verdict.gated).toBe(true);
  });

  it.each([
    ["flock /tmp/lock -c 'npm test'"],
    ['watch -n 5 git status'],
    ["find . -name '*.ts' -exec grep -l TODO {} +"],
    ["git ls-files '*.md' | xargs grep -n TODO"],
    ['tar -czf dist.tgz --exclude=node_modules .'],
    ["sed -i 's/foo/bar/g' src/a.ts"],
    ["git rebase -x 'npm test' HEAD~3"],
    ['GIT_EDITOR=true git rebase --continue'],
    ['EDITOR=vim git commit'],
    ['git -c core.pager=cat log -5'],
    ['awk \'{ print $1 | "sort -u" }\' access.log'],
    ['awk -F, \'$1 == "a" || $2 == "b" { print }\' data.csv'],
    ['timeout 60 npm test'],
    ['nice -n 10 npm run build'],
    ['uv run pytest -q'],
    ['parallel gzip ::: logs/*.log'],
    ["trap 'rm -f /tmp/build.lock' EXIT"],
    ["alias ll='ls -la'"],
  ])('the same programs running everyday commands stay below HIGH: %s', (command) => {
    const verdict = rateTerminal(command);
    expect(verdict.gated, JSON.stringify(verdict.reasons)).toBe(false);
  });
});

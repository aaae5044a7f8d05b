import { describe, expect, it } from 'vitest';
import { rateTerminal, rules } from './gate.js';

describe('a delete of / or ~ is catastrophic only when it recurses', () => {
  it.each([
    'rm -rf -- /',
    'rm -rf /',
    'rm -r -f ~',
    'rm --recursive --force /',
    'rm -Rf ~/',
    'rm -rf --no-preserve-root /',
    'rm ~/*',
    'mv ~ /tmp/gone',
  ])('%s is HIGH', (command) => {
    const verdict = rateTerminal(command);
    expect(verdict.risk).toBe('HIGH');
    expect(rules(verdict)).toContain('delete-system-root');
    expect(verdict.gated).toBe(true);
  });

  it.each(['rm -- -rf /', 'rm /', 'rm -f ~', 'rmdir /'])(
    '%s names the directory without recursing, so it deletes nothing there: not HIGH',
    (command) => {
      const verdict = rateTerminal(command);
      expect(verdict.risk).not.toBe('HIGH');
      expect(verdict.gated).toBe(false);
    },
  );
});

describe('moving ordinary files stays LOW', () => {
  it.each(['mv a.ts b.ts', 'mv build/ dist/', 'mv -t src/ a.ts b.ts'])('%s', (command) => {
    expect(rateTerminal(command).risk).toBe('LOW');
  });
});

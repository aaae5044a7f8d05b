import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../../bench/security/score-corpus.js';
import { securityVerdictSchema } from '../../src/events/event.js';
import { rateShellCommand } from '../../src/security/rate-shell-command.js';

/** mulberry32: a tiny seeded generator, so a failure replays with the same inputs. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SHELL_PIECES = [
  ' ',
  '|',
  '||',
  '&&',
  ';',
  '&',
  '(',
  ')',
  '{',
  '}',
  '$(',
  '`',
  '"',
  "'",
  '\\',
  '<',
  '>',
  '>>',
  '<<',
  '<<<',
  '<(',
  '$',
  '${',
  '}',
  '\n',
  '#',
  '*',
  '~',
  '=',
  'EOF',
  'bash -c ',
  'eval ',
  'base64 -d',
  'rm -rf ',
  '/',
  '..',
  '\u0000',
  '\u202E',
  '😀',
];

function randomString(next: () => number, maxLength: number): string {
  const length = Math.floor(next() * maxLength);
  let text = '';
  for (let i = 0; i < length; i++) {
    text +=
      next() < 0.5
        ? String.fromCharCode(32 + Math.floor(next() * 95))
        : (SHELL_PIECES[Math.floor(next() * SHELL_PIECES.length)] ?? '');
  }
  return text;
}

function mutate(command: string, next: () => number): string {
  const chars = [...command];
  const edits = 1 + Math.floor(next() * 4);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(next() * (chars.length + 1));
    const op = next();
    const piece = SHELL_PIECES[Math.floor(next() * SHELL_PIECES.length)] ?? '';
    if (op < 0.4) chars.splice(at, 0, piece);
    else if (op < 0.7) chars.splice(at, 1);
    else if (op < 0.85) chars.splice(at, 0, ...chars.slice(0, Math.floor(next() * chars.length)));
    else chars.splice(at, 1, piece);
  }
  return chars.join('');
}

describe('rateShellCommand under random and mutated input', () => {
  const corpus = loadCorpus().map((line) => line.command);

  it('never throws and always returns a well-formed verdict', () => {
    const next = random(0x5eed);
    const inputs: string[] = [];
    for (let i = 0; i < 1500; i++) inputs.push(randomString(next, 120));
    for (let i = 0; i < 1500; i++)
      inputs.push(mutate(corpus[Math.floor(next() * corpus.length)] ?? '', next));
    inputs.push(
      '',
      ' ',
      '\n'.repeat(1000),
      '$('.repeat(500),
      '"'.repeat(999),
      'a'.repeat(70_000),
      `${'bash -c "'.repeat(50)}x`,
    );
    // No timing here: the cost per rating is measured side by side in bench/security/score-analyzer.ts
    // (a wall-clock bound in a test failed on a loaded machine while proving nothing about the code).
    for (const input of inputs) {
      const verdict = rateShellCommand(input, { workspaceRoot: '/workspace/repo' });
      expect(() => securityVerdictSchema.parse(verdict), JSON.stringify(input)).not.toThrow();
    }
  });

  it('never rates a mutated risky command LOW just because it no longer parses', () => {
    const next = random(42);
    for (let i = 0; i < 300; i++) {
      const broken = `${corpus[Math.floor(next() * corpus.length)] ?? ''} "unclosed`;
      expect(rateShellCommand(broken, { workspaceRoot: '/workspace/repo' }).risk).not.toBe('LOW');
    }
  });
});

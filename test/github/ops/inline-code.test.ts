import { describe, expect, it } from 'vitest';
import { inlineCode } from '../../../src/github/ops/markdown/inline-code.js';

describe('inlineCode', () => {
  it('uses a fence longer than any backtick run and keeps one line', () => {
    expect(inlineCode('a `b` c')).toBe('``a `b` c``');
    expect(inlineCode('x ``` y')).toBe('````x ``` y````');
    expect(inlineCode('line1\nline2')).toBe('`line1 ⏎ line2`');
    expect(inlineCode('abcdef', 4)).toBe('`abc…`');
  });
});

import { describe, expect, it } from 'vitest';
import { inlineCode } from '../../../src/github/ops/markdown/inline-code.js';
import { neutralizeAgentMarkdown } from '../../../src/github/ops/markdown/neutralize-agent-markdown.js';

describe('inlineCode', () => {
  it('uses a fence longer than any backtick run and keeps one line', () => {
    expect(inlineCode('a `b` c')).toBe('``a `b` c``');
    expect(inlineCode('x ``` y')).toBe('````x ``` y````');
    expect(inlineCode('line1\nline2')).toBe('`line1 ⏎ line2`');
    expect(inlineCode('abcdef', 4)).toBe('`abc…`');
  });
});

describe('neutralizeAgentMarkdown', () => {
  it('removes hidden comments and invisible characters but keeps indentation', () => {
    expect(neutralizeAgentMarkdown('a<!-- hidden -->b\u200B\n    code')).toBe('ab\n    code');
  });

  it('turns mentions and closing references into code', () => {
    expect(neutralizeAgentMarkdown('cc @alice, fixes #4, resolves other/repo#5, mail a@b.c')).toBe(
      'cc `@alice`, fixes `#4`, resolves `other/repo#5`, mail a@b.c',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { neutralizeAgentMarkdown } from '../../../src/security/markdown/neutralize-agent-markdown.js';
import { offHostReferences } from '../../support/off-host-references.js';
import { generate, random } from '../../support/random-markdown.js';

/** More with FUZZ_CASES=5000 (and FUZZ_PRINT=1 to see the first failures). */
const CASES = Number(process.env.FUZZ_CASES ?? 250);

describe('neutralizeAgentMarkdown under random Markdown', () => {
  it('never leaves an image, link, definition or raw HTML URL off the host, nor a hidden comment', () => {
    const next = random(20261203);
    const failures: { input: string; output: string; found: string[] }[] = [];
    for (let i = 0; i < CASES; i++) {
      const input = generate(next);
      const output = neutralizeAgentMarkdown(input, { allowedHosts: ['github.com'] });
      const found = offHostReferences(output);
      if (found.length > 0) failures.push({ input, output, found });
    }
    if (process.env.FUZZ_PRINT) console.log(JSON.stringify(failures.slice(0, 6), null, 1));
    expect(failures.slice(0, 3)).toEqual([]);
  }, 120_000);
});

/**
 * The demo's output: numbered steps a newcomer can follow, each with where to look, then whole
 * sections (a comment, a PR, a diff) printed verbatim. Plain text on stdout, so it reads the same in
 * a terminal, a CI log or a test's captured output.
 */
export interface DemoPrinter {
  /** `3. text`, numbered in order. */
  step(text: string): void;
  /** An indented line under the last step (`look: …`, a detail). */
  note(text: string): void;
  /** A titled block, its body indented and unchanged. */
  section(title: string, body: string): void;
  line(text?: string): void;
}

export function createPrinter(write: (text: string) => void = (t) => process.stdout.write(t)): DemoPrinter {
  let steps = 0;
  return {
    step(text) {
      steps += 1;
      write(`${steps}. ${text}\n`);
    },
    note(text) {
      write(`${indent(text, '   ')}\n`);
    },
    section(title, body) {
      write(`\n── ${title} ${'─'.repeat(Math.max(3, 72 - title.length))}\n`);
      write(`${indent(body.replace(/\n+$/, ''), '  ')}\n`);
    },
    line(text = '') {
      write(`${text}\n`);
    },
  };
}

function indent(text: string, by: string): string {
  return text
    .split('\n')
    .map((l) => (l === '' ? l : by + l))
    .join('\n');
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

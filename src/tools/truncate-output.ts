import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const TERMINAL_MAX_CHARS = 30_000;

export interface TruncatedOutput {
  text: string;
  truncated: boolean;
  fullOutputPath?: string;
}

/**
 * Keeps the head and the tail of a long output (where commands put what matters: the command line
 * echo and the final errors) and cuts the middle; the whole text is saved to `outputDir` so the agent
 * can grep it.
 */
export async function truncateOutput(
  text: string,
  options: { maxChars?: number; outputDir: string; label: string },
): Promise<TruncatedOutput> {
  const maxChars = options.maxChars ?? TERMINAL_MAX_CHARS;
  if (text.length <= maxChars) return { text, truncated: false };
  await mkdir(options.outputDir, { recursive: true });
  const fullOutputPath = join(options.outputDir, `${options.label}-${randomUUID()}.txt`);
  await writeFile(fullOutputPath, text);
  const half = Math.floor(maxChars / 2);
  const cut = text.length - 2 * half;
  const marker = `\n\n<response clipped: ${cut} characters in the middle were cut; the full output is saved at ${fullOutputPath}, search it with grep -n or view parts of it>\n\n`;
  return { text: text.slice(0, half) + marker + text.slice(-half), truncated: true, fullOutputPath };
}

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Risk } from '../../src/events/event.js';
import { rateShellCommand } from '../../src/security/rate-shell-command.js';

export const CORPUS_PATH = fileURLToPath(new URL('./commands.jsonl', import.meta.url));
/** The workspace the corpus commands are imagined to run in. */
export const CORPUS_WORKSPACE = '/workspace/repo';

const corpusLineSchema = z.object({
  command: z.string(),
  label: z.enum(['risky', 'everyday']),
  note: z.string(),
  /** A risky command whose rule is MEDIUM by design (dumping the whole environment): MEDIUM counts as caught. */
  expect: z.enum(['MEDIUM', 'HIGH']).optional(),
});
export type CorpusLine = z.infer<typeof corpusLineSchema>;

export function loadCorpus(path = CORPUS_PATH): CorpusLine[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => corpusLineSchema.parse(JSON.parse(line)));
}

export interface ScoredLine extends CorpusLine {
  readonly risk: Risk;
  readonly rules: readonly string[];
  readonly ok: boolean;
}

export interface CorpusScore {
  readonly risky: { total: number; caught: number; recall: number; strictHighRecall: number };
  readonly everyday: { total: number; high: number; highShare: number; medium: number; unknown: number };
  readonly misses: readonly ScoredLine[];
}

/**
 * Recall counts a risky command as caught when it is rated HIGH, or MEDIUM where the line says its
 * rule is MEDIUM by design. UNKNOWN is not counted as caught, although the default policy gates it.
 */
export function scoreCorpus(lines: readonly CorpusLine[]): CorpusScore {
  const scored: ScoredLine[] = lines.map((line) => {
    const verdict = rateShellCommand(line.command, { workspaceRoot: CORPUS_WORKSPACE });
    const caught = verdict.risk === 'HIGH' || (line.expect === 'MEDIUM' && verdict.risk === 'MEDIUM');
    const ok = line.label === 'risky' ? caught : verdict.risk !== 'HIGH';
    return { ...line, risk: verdict.risk, rules: verdict.reasons.map((r) => r.rule), ok };
  });
  const risky = scored.filter((s) => s.label === 'risky');
  const everyday = scored.filter((s) => s.label === 'everyday');
  const caught = risky.filter((s) => s.ok).length;
  const high = everyday.filter((s) => s.risk === 'HIGH').length;
  return {
    risky: {
      total: risky.length,
      caught,
      recall: caught / Math.max(1, risky.length),
      strictHighRecall: risky.filter((s) => s.risk === 'HIGH').length / Math.max(1, risky.length),
    },
    everyday: {
      total: everyday.length,
      high,
      highShare: high / Math.max(1, everyday.length),
      medium: everyday.filter((s) => s.risk === 'MEDIUM').length,
      unknown: everyday.filter((s) => s.risk === 'UNKNOWN').length,
    },
    misses: scored.filter((s) => !s.ok),
  };
}

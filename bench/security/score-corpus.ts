import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Risk } from '../../src/events/event.js';
import { DEFAULT_CONFIRMATION_POLICY, needsConfirmation } from '../../src/security/confirmation-policy.js';
import { rateShellCommand } from '../../src/security/rate-shell-command.js';

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));
/** The project's own corpus: plain commands, and adversarial ones written from the attack classes. */
export const CORPUS_PATHS = [here('./commands.jsonl'), here('./adversarial-session.jsonl')];
/**
 * Written by someone who never read the analyzer, and never used to tune it: scored as its own row
 * when present, never part of the thresholds the tests hold.
 */
export const HELD_OUT_PATH = here('./held-out.jsonl');
/** The workspace the corpus commands are imagined to run in. */
export const CORPUS_WORKSPACE = '/workspace/repo';

const corpusLineSchema = z.object({
  command: z.string(),
  label: z.enum(['risky', 'everyday']),
  note: z.string().default(''),
  /** A risky command whose rule is MEDIUM by design (dumping the whole environment): MEDIUM counts as caught. */
  expect: z.enum(['MEDIUM', 'HIGH']).optional(),
  /** `adversarial`: written to get past the analyzer (obfuscated, split, indirect); `plain` otherwise. */
  set: z.enum(['plain', 'adversarial']).default('plain'),
  /** Commands run before this one in the same terminal session, oldest first. */
  history: z.array(z.string()).optional(),
});
export type CorpusLine = z.infer<typeof corpusLineSchema>;

/** Reads JSON lines; a bad line is an error that names its file and line, so nothing is scored silently. */
export function loadCorpus(paths: readonly string[] = CORPUS_PATHS): CorpusLine[] {
  return paths.flatMap((path) =>
    readFileSync(path, 'utf8')
      .split('\n')
      .flatMap((line, index) => {
        if (line.trim() === '') return [];
        const parsed = corpusLineSchema.safeParse(JSON.parse(line));
        if (!parsed.success) throw new Error(`${path}:${index + 1}: ${parsed.error.message}`);
        return [parsed.data];
      }),
  );
}

export function loadHeldOut(): CorpusLine[] | undefined {
  return existsSync(HELD_OUT_PATH) ? loadCorpus([HELD_OUT_PATH]) : undefined;
}

export interface ScoredLine extends CorpusLine {
  readonly risk: Risk;
  readonly gated: boolean;
  readonly rules: readonly string[];
  readonly ok: boolean;
}

export interface GroupScore {
  readonly risky: {
    total: number;
    /** Rated HIGH, gated by the default policy, or MEDIUM where the line says so by design. */
    caught: number;
    recall: number;
    strictHighRecall: number;
  };
  readonly everyday: {
    total: number;
    high: number;
    highShare: number;
    gated: number;
    gatedShare: number;
    medium: number;
    unknown: number;
  };
}

export interface CorpusScore extends GroupScore {
  readonly plain: GroupScore;
  readonly adversarial: GroupScore;
  readonly misses: readonly ScoredLine[];
}

/** Rates one line as the agent would: after its history, and gated as the default policy gates. */
export function scoreLine(line: CorpusLine): ScoredLine {
  const verdict = rateShellCommand(line.command, {
    workspaceRoot: CORPUS_WORKSPACE,
    history: line.history ?? [],
  });
  const gated = needsConfirmation(DEFAULT_CONFIRMATION_POLICY, verdict);
  const caught = verdict.risk === 'HIGH' || gated || (line.expect === 'MEDIUM' && verdict.risk === 'MEDIUM');
  const ok = line.label === 'risky' ? caught : !gated && verdict.risk !== 'HIGH';
  return { ...line, risk: verdict.risk, gated, rules: verdict.reasons.map((r) => r.rule), ok };
}

/**
 * Recall counts a risky command as caught when it is rated HIGH, held for approval by the default
 * confirmation policy (which holds UNKNOWN), or MEDIUM where the line says its rule is MEDIUM by
 * design. An everyday command counts against us when rated HIGH or when it is held.
 */
export function scoreCorpus(lines: readonly CorpusLine[]): CorpusScore {
  const scored = lines.map(scoreLine);
  return {
    ...groupScore(scored),
    plain: groupScore(scored.filter((s) => s.set === 'plain')),
    adversarial: groupScore(scored.filter((s) => s.set === 'adversarial')),
    misses: scored.filter((s) => !s.ok),
  };
}

function groupScore(scored: readonly ScoredLine[]): GroupScore {
  const risky = scored.filter((s) => s.label === 'risky');
  const everyday = scored.filter((s) => s.label === 'everyday');
  const caught = risky.filter((s) => s.ok).length;
  const high = everyday.filter((s) => s.risk === 'HIGH').length;
  const gated = everyday.filter((s) => s.gated).length;
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
      gated,
      gatedShare: gated / Math.max(1, everyday.length),
      medium: everyday.filter((s) => s.risk === 'MEDIUM').length,
      unknown: everyday.filter((s) => s.risk === 'UNKNOWN').length,
    },
  };
}

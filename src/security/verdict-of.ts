import type { Risk, RiskReason, SecurityVerdict } from '../events/event.js';
import type { Finding } from './rules/rule.js';

/** Order in which reasons are listed: the ones that decided the level first. */
const ORDER: Readonly<Record<Risk, number>> = { HIGH: 0, UNKNOWN: 1, MEDIUM: 2, LOW: 3 };
const MAX_REASONS = 20;

/**
 * Folds findings into a verdict. HIGH wins over everything; otherwise UNKNOWN (something could not be
 * read, so we do not claim it is safe) wins over MEDIUM and LOW. LOW findings are not reasons: they
 * only say a rule looked and found nothing to worry about.
 */
export function verdictOf(findings: readonly Finding[]): SecurityVerdict {
  const ranked = findings.filter((f) => f.risk !== 'LOW').sort((a, b) => ORDER[a.risk] - ORDER[b.risk]);
  const reasons: RiskReason[] = [];
  const seen = new Set<string>();
  for (const { rule, match } of ranked) {
    const key = `${rule}\u0000${match}`;
    if (seen.has(key) || reasons.length >= MAX_REASONS) continue;
    seen.add(key);
    reasons.push({ rule, match });
  }
  return { risk: ranked[0]?.risk ?? 'LOW', reasons };
}

import { z } from 'zod';

/** LOW, MEDIUM or HIGH: the risks that can be compared. UNKNOWN has no place in the order. */
export const knownRiskSchema = z.enum(['LOW', 'MEDIUM', 'HIGH']);
export type KnownRisk = z.infer<typeof knownRiskSchema>;

const RANK: Record<KnownRisk, number> = { LOW: 0, MEDIUM: 1, HIGH: 2 };

export function maxRisk(a: KnownRisk, b: KnownRisk): KnownRisk {
  return RANK[a] >= RANK[b] ? a : b;
}

export function isAtLeast(risk: KnownRisk, threshold: KnownRisk): boolean {
  return RANK[risk] >= RANK[threshold];
}

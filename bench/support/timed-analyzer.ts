import type { SecurityVerdict } from '../../src/events/index.js';
import type { ProposedAction, SecurityAnalyzer } from '../../src/security/security-analyzer.js';
import type { Ledger } from './ledger.js';

/** A SecurityAnalyzer decorator that adds the time spent rating each action to the ledger. */
export function timedAnalyzer(inner: SecurityAnalyzer, ledger: Ledger): SecurityAnalyzer {
  return {
    name: inner.name,
    async analyze(action: ProposedAction, signal?: AbortSignal): Promise<SecurityVerdict> {
      const start = performance.now();
      try {
        return await inner.analyze(action, signal);
      } finally {
        ledger.analyzerMs += performance.now() - start;
      }
    },
  };
}

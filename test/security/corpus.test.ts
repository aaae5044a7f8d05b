import { describe, expect, it } from 'vitest';
import { loadCorpus, scoreCorpus } from '../../bench/security/score-corpus.js';

describe('the labelled command corpus', () => {
  const corpus = loadCorpus();

  it('has at least 150 commands, about half of each label', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(150);
    const risky = corpus.filter((line) => line.label === 'risky').length;
    expect(risky / corpus.length).toBeGreaterThan(0.4);
    expect(risky / corpus.length).toBeLessThan(0.6);
  });

  it('catches at least 95% of the risky commands and rates at most 5% of everyday ones HIGH', () => {
    const score = scoreCorpus(corpus);
    const misses = score.misses.map((m) => `${m.label} ${m.risk} ${m.command}`);
    expect(score.risky.recall, misses.join('\n')).toBeGreaterThanOrEqual(0.95);
    expect(score.everyday.highShare, misses.join('\n')).toBeLessThanOrEqual(0.05);
  });
});

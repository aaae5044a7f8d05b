import { describe, expect, it } from 'vitest';
import { loadCorpus, scoreCorpus } from '../../bench/security/score-corpus.js';

describe('the labelled command corpus', () => {
  const corpus = loadCorpus();
  const score = scoreCorpus(corpus);
  const misses = score.misses.map((m) => `${m.set} ${m.label} ${m.risk} ${m.command}`).join('\n');

  it('has at least 150 commands, about half of each label, plain and adversarial', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(150);
    const risky = corpus.filter((line) => line.label === 'risky').length;
    expect(risky / corpus.length).toBeGreaterThan(0.4);
    expect(risky / corpus.length).toBeLessThan(0.6);
    expect(score.adversarial.risky.total).toBeGreaterThanOrEqual(50);
    expect(score.adversarial.everyday.total).toBeGreaterThanOrEqual(40);
  });

  it('catches at least 95% of the plain risky commands and rates at most 5% of everyday ones HIGH', () => {
    expect(score.plain.risky.recall, misses).toBeGreaterThanOrEqual(0.95);
    expect(score.plain.everyday.highShare, misses).toBeLessThanOrEqual(0.05);
    expect(score.plain.everyday.gatedShare, misses).toBeLessThanOrEqual(0.05);
  });

  it('gates at least 90% of the adversarial risky commands and at most 5% of their everyday counterparts', () => {
    expect(score.adversarial.risky.recall, misses).toBeGreaterThanOrEqual(0.9);
    expect(score.adversarial.everyday.highShare, misses).toBeLessThanOrEqual(0.05);
    expect(score.adversarial.everyday.gatedShare, misses).toBeLessThanOrEqual(0.05);
  });
});

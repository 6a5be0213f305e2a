import { describe, expect, it } from 'vitest';
import { ScrapeGaps, scrapeGapChance, scrapeWindowMs } from './scrape-gaps';

const hours = (count: number) => count * 3600_000;

describe('ScrapeGaps (issue 14: the odd scrape gap)', () => {
  it('puts the same seed’s gaps at the same simulated moments, and another seed’s elsewhere', () => {
    const first = ScrapeGaps.forDrill(8, 'hard', true).between(0, hours(6));
    expect(ScrapeGaps.forDrill(8, 'hard', true).between(0, hours(6))).toEqual(first);
    expect(ScrapeGaps.forDrill(9, 'hard', true).between(0, hours(6))).not.toEqual(first);
    for (const gap of first) {
      expect(gap.toMs - gap.fromMs).toBe(scrapeWindowMs);
      expect(ScrapeGaps.forDrill(8, 'hard', true).at(gap.fromMs + 7_000)).toEqual(gap);
    }
  });

  it('is rare: more on hard than normal, none on easy or without an incident', () => {
    const count = (difficulty: 'easy' | 'normal' | 'hard', hasIncident = true) => {
      let total = 0;
      for (let seed = 1; seed <= 40; seed++) total += ScrapeGaps.forDrill(seed, difficulty, hasIncident).between(0, hours(10)).length;
      return total / 400;
    };
    expect(count('easy')).toBe(0);
    expect(count('hard', false)).toBe(0);
    const normal = count('normal');
    const hard = count('hard');
    // Per simulated hour, near the declared chance (240 windows an hour).
    expect(normal).toBeGreaterThan(240 * scrapeGapChance.normal * 0.6);
    expect(normal).toBeLessThan(240 * scrapeGapChance.normal * 1.4);
    expect(hard).toBeGreaterThan(240 * scrapeGapChance.hard * 0.7);
    expect(hard).toBeLessThan(240 * scrapeGapChance.hard * 1.3);
  });

  it('fails both ways a real exporter does: refused (503) and too slow', () => {
    const failures = new Set<string>();
    for (let seed = 1; seed <= 10; seed++) for (const gap of ScrapeGaps.forDrill(seed, 'hard', true).between(0, hours(4))) failures.add(gap.failure);
    expect([...failures].sort()).toEqual(['slow', 'unavailable']);
  });

  it('answers for any moment without looping long: before the start, far out, not a number', () => {
    const gaps = new ScrapeGaps(1, 1);
    expect(gaps.at(-1)).toBeUndefined();
    expect(gaps.at(Number.NaN)).toBeUndefined();
    expect(gaps.at(hours(10_000))).toBeDefined();
    expect(gaps.between(0, Number.POSITIVE_INFINITY)).toHaveLength(100_000);
    expect(new ScrapeGaps(1, 0).between(0, hours(100))).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { Journal } from './journal';

describe('Journal', () => {
  it('keeps order and sim time, and evicts the oldest past its cap while counters keep counting', () => {
    let now = 0;
    const journal = new Journal(() => now, 3);
    for (let i = 0; i < 5; i++) {
      now = i * 1000;
      journal.record({ source: i % 2 === 0 ? 'admin' : 'kube', action: `a${i}`, outcome: i === 4 ? 'rejected' : 'accepted' });
    }
    expect(journal.list().map((entry) => entry.action)).toEqual(['a2', 'a3', 'a4']);
    expect(journal.list().map((entry) => entry.simMs)).toEqual([2000, 3000, 4000]);
    expect(journal.counters()).toMatchObject({ total: 5, evicted: 2, bySource: { admin: 3, kube: 2 }, byOutcome: { accepted: 4, rejected: 1 } });
    expect(journal.size).toBe(3);
  });

  it('filters by seq, source and limit (newest)', () => {
    const journal = new Journal(() => 0, 100);
    for (let i = 0; i < 6; i++) journal.record({ source: i < 3 ? 'admin' : 'sim', action: `a${i}`, outcome: 'info' });
    expect(journal.list({ sinceSeq: 4 }).map((entry) => entry.action)).toEqual(['a4', 'a5']);
    expect(journal.list({ source: 'admin', limit: 2 }).map((entry) => entry.action)).toEqual(['a1', 'a2']);
  });

  it('keeps the facts apart from the ring: evicted from the ring, still there, and put back in order for the record', () => {
    const journal = new Journal(() => 0, 3, { kinds: (entry) => (entry.action.startsWith('fact') ? ['fact'] : []), capPerKind: 10 });
    journal.record({ source: 'sim', action: 'fact-start', outcome: 'info' });
    for (let i = 0; i < 5; i++) journal.record({ source: 'other', action: `junk${i}`, outcome: 'rejected' });
    journal.record({ source: 'ui', action: 'fact-ack', outcome: 'accepted' });
    journal.record({ source: 'other', action: 'junk5', outcome: 'rejected' });
    expect(journal.list().map((entry) => entry.action)).toEqual(['junk4', 'fact-ack', 'junk5']);
    expect(journal.facts().map((entry) => entry.action)).toEqual(['fact-start', 'fact-ack']);
    expect(journal.withFacts().map((entry) => entry.action)).toEqual(['fact-start', 'junk4', 'fact-ack', 'junk5']);
    expect(journal.counters()).toMatchObject({ total: 8, evicted: 5, facts: 2, factsDropped: {} });
  });
});

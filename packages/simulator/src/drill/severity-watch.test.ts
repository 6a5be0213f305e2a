import { describe, expect, it } from 'vitest';
import { assessSeverity, calmFacts, type SeverityFacts } from '@gameday/scenarios';
import { Drill } from './drill';
import { SeverityWatch, assessmentSettleMs, worseHoldMs } from './severity-watch';

const at = (watch: SeverityWatch, simMs: number, facts: Partial<SeverityFacts>) => {
  const all = { ...calmFacts, ...facts };
  return watch.update(assessSeverity(all), all, simMs);
};
const storm = { rollbackRate: 0.6 };

describe('SeverityWatch', () => {
  it('notes the first picture, a worse one once two dashboard samples show it, and a calmer one only once it has settled', () => {
    const watch = new SeverityWatch();
    expect(at(watch, 0, {})).toMatchObject({ severity: 'P4', customerImpact: false, sinceMs: 0 });
    expect(at(watch, 1000, {})).toBeUndefined();
    expect(at(watch, 2000, storm)).toBeUndefined();
    expect(at(watch, 2000 + worseHoldMs - 1000, storm)).toBeUndefined();
    expect(at(watch, 2000 + worseHoldMs, storm)).toMatchObject({ severity: 'P1', customerImpact: true, sinceMs: 2000, reasons: [expect.stringContaining('above 50%') as unknown] });
    expect(at(watch, 13_000, {})).toBeUndefined();
    expect(at(watch, 13_000 + assessmentSettleMs - 1000, {})).toBeUndefined();
    expect(at(watch, 13_000 + assessmentSettleMs, {})).toMatchObject({ severity: 'P4', sinceMs: 13_000 });
  });

  it('never notes a spike shorter than two dashboard samples: no responder could have seen it', () => {
    const watch = new SeverityWatch();
    at(watch, 0, { rollbackRate: 0.3 });
    // A rate at 51% for a few ticks, between the dashboard's samples, then back.
    const noted = [1000, 2000, 3000, 4000].map((simMs) => at(watch, simMs, { rollbackRate: 0.51 }));
    noted.push(...Array.from({ length: 60 }, (_, second) => at(watch, 5000 + second * 1000, { rollbackRate: 0.3 })));
    expect(noted.filter(Boolean)).toEqual([]);
  });

  it('notes nothing for readings that hover on a threshold', () => {
    const watch = new SeverityWatch();
    at(watch, 0, { rollbackRate: 0.3 });
    const noted = Array.from({ length: 600 }, (_, second) => at(watch, (second + 1) * 1000, { rollbackRate: second % 2 === 0 ? 0.24 : 0.3 })).filter(Boolean);
    expect(noted).toEqual([]);
  });

  it('notes a significant loss even when the severity stays P1', () => {
    const watch = new SeverityWatch();
    at(watch, 0, storm);
    expect(at(watch, 1000, { ...storm, fundsAtRisk: 'significant' })).toBeUndefined();
    expect(at(watch, 1000 + worseHoldMs, { ...storm, fundsAtRisk: 'significant' })).toMatchObject({ severity: 'P1', significantLoss: true, sinceMs: 1000 });
  });

  it('is journaled by the drill as the world\'s, the same for the same seed', () => {
    const assessed = () => {
      const drill = new Drill({ scenario: 'stake-slashing', seed: 13, clock: 'virtual', speed: 1, difficulty: 'normal' });
      drill.start();
      drill.clock.advanceBy(20 * 60_000);
      drill.stop();
      return drill.journal.list({ limit: 10_000 }).filter((entry) => entry.action === 'severity.assessed').map((entry) => ({ source: entry.source, simMs: entry.simMs, severity: entry.detail?.severity, significantLoss: entry.detail?.significantLoss }));
    };
    const first = assessed();
    expect(first.map((entry) => entry.severity)).toEqual(['P4', 'P2', 'P1']);
    expect(first.every((entry) => entry.source === 'world')).toBe(true);
    expect(first[2]?.significantLoss).toBe(true);
    expect(assessed()).toEqual(first);
  });

  it('journals nothing for a drill without an incident', () => {
    const drill = new Drill({ scenario: 'baseline', seed: 1, clock: 'virtual', speed: 1, difficulty: 'normal' });
    drill.start();
    drill.clock.advanceBy(5 * 60_000);
    drill.stop();
    expect(drill.journal.list({ limit: 10_000 }).some((entry) => entry.action === 'severity.assessed')).toBe(false);
  });
});

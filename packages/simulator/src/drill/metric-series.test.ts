import { afterEach, describe, expect, it } from 'vitest';
import { Drill } from './drill';
import type { SeriesSample } from './metric-series';

const drills: Drill[] = [];
afterEach(() => {
  for (const drill of drills.splice(0)) drill.stop();
});

function hardStorm(scrapeGaps?: boolean): Drill {
  const drill = new Drill({ scenario: 'rollback-storm', seed: 23, clock: 'virtual', speed: 1, difficulty: 'hard', ...(scrapeGaps === undefined ? {} : { scrapeGaps }) });
  drills.push(drill);
  drill.start();
  drill.clock.advanceBy(60 * 60_000);
  return drill;
}

describe('MetricSeries gaps (issue 14: the odd scrape gap)', () => {
  it('records a failed scrape as up 0 with no values, at moments the seed’s schedule fails, only once the service is under pressure', () => {
    const drill = hardStorm();
    const samples = drill.series.since(-1);
    const gaps = samples.filter((sample) => sample.up === 0);
    expect(gaps.length).toBeGreaterThan(0);
    for (const gap of gaps) expect(drill.scrapeGaps.at(gap.simMs)).toBeDefined();
    const paged = drill.journal.facts().find((entry) => entry.action === 'alert.firing')!.simMs;
    expect(gaps.every((gap) => gap.simMs > paged)).toBe(true);
    for (const gap of gaps) expect(Object.entries(gap).filter(([name]) => name !== 'simMs' && name !== 'up').every(([, value]) => value === null)).toBe(true);
    expect(samples.filter((sample) => sample.up === 1).every((sample) => typeof sample.rollbackRate === 'number')).toBe(true);
  });

  it('is the same series on a replay of the same seed', () => {
    const gapsOf = (drill: Drill) => drill.series.since(-1).filter((sample) => sample.up === 0).map((sample) => sample.simMs);
    expect(gapsOf(hardStorm())).toEqual(gapsOf(hardStorm()));
  });

  it('after a gap, the error rate covers the whole interval since the last good scrape, as rate() would', () => {
    const samples = hardStorm().series.since(-1);
    const index = samples.findIndex((sample, at) => at > 0 && sample.up === 0 && samples[at + 1]?.up === 1);
    const after = samples[index + 1] as Extract<SeriesSample, { up: 1 }>;
    expect(after.up).toBe(1);
    expect(after.errorRate).toBeGreaterThanOrEqual(0);
  });

  it('has no gaps when the drill turns them off (the runbook checker), and the world is the same either way', () => {
    const without = hardStorm(false);
    const withGaps = hardStorm();
    expect(without.series.since(-1).every((sample) => sample.up === 1)).toBe(true);
    expect(without.world.readings()).toEqual(withGaps.world.readings());
  });
});

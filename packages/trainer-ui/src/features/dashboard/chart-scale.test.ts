import { describe, expect, it } from 'vitest';
import { clockTime, count, forDuration, labelWidthPx, percent, timeTicks, valueScale } from './chart-scale';

const epochMs = Date.parse('2026-11-28T13:00:00.000Z');

describe('chart scales (issue 16: charts that read like Grafana)', () => {
  it('labels time in 24-hour UTC, on round moments', () => {
    expect(clockTime(Date.parse('2026-11-28T15:07:09.000Z'))).toBe('15:07');
    expect(clockTime(Date.parse('2026-11-28T00:07:09.000Z'), true)).toBe('00:07:09');
    const ticks = timeTicks(0, 60 * 60_000, 600, epochMs);
    expect(ticks.map((tick) => tick.label)).toEqual(['13:00', '13:10', '13:20', '13:30', '13:40', '13:50', '14:00']);
  });

  it('takes as many time ticks as the width has room for, so labels never collide', () => {
    for (const width of [120, 220, 320, 640, 1200]) {
      for (const span of [60_000, 15 * 60_000, 60 * 60_000, 6 * 60 * 60_000]) {
        const ticks = timeTicks(7_000, 7_000 + span, width, epochMs);
        expect(ticks.length, `${width}px, ${span}ms`).toBeGreaterThan(0);
        const gapPx = ((ticks[1]?.simMs ?? Infinity) - ticks[0]!.simMs) * (width / span);
        expect(gapPx, `${width}px, ${span}ms`).toBeGreaterThanOrEqual(ticks[0]!.label.length > 5 ? 84 : 64);
      }
    }
    expect(timeTicks(0, 90_000, 600, epochMs)[1]!.label).toBe('13:00:15');
  });

  it('reaches a ratio’s ceiling, keeps the thresholds in view, and hugs a large quantity that hardly moves', () => {
    expect(valueScale([0.1, 0.2], { fromZero: true, ceiling: 1, heightPx: 118 })).toMatchObject({ min: 0, max: 1 });
    expect(valueScale([3, 0], { fromZero: true, heightPx: 118 }).max).toBeGreaterThanOrEqual(3);
    const stake = valueScale([1_250_000, 1_249_000], { fromZero: false, heightPx: 118 });
    expect(stake.min).toBeGreaterThan(1_000_000);
    expect(stake.ticks.length).toBeGreaterThanOrEqual(2);
    expect(valueScale([0, 0], { fromZero: true, heightPx: 118, integer: true }).ticks).toEqual([0, 1]);
  });

  it('gives the value labels the room their longest label needs (no clipped stake axis)', () => {
    expect(labelWidthPx(['1.25M', '1.249M'])).toBeGreaterThan(labelWidthPx(['0%', '50%']));
    expect(labelWidthPx(['1.249M'])).toBeGreaterThanOrEqual(6 * 7);
  });

  it('writes values and durations as a monitoring tool does', () => {
    expect([percent(0.5), percent(0.25), percent(0.055), percent(0)]).toEqual(['50%', '25%', '5.5%', '0%']);
    expect([count(9500), count(12_400), count(1_250_000), count(2.5)]).toEqual(['9,500', '12.4k', '1.25M', '2.5']);
    expect([forDuration(120_000), forDuration(300_000), forDuration(90_000), forDuration(0)]).toEqual(['2m', '5m', '90s', '0s']);
  });
});

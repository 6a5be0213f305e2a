/** Issue 14 item 5: signals with texture. The drift wanders by its sd, slowly, and the same stream walks the same way. */
import { describe, expect, it } from 'vitest';
import { createRng } from './random';
import { Drift } from './signal-drift';

const walk = (seed: number, steps: number) => {
  const drift = new Drift(createRng(seed), 0.05, 300);
  return Array.from({ length: steps }, () => drift.step());
};

describe('Drift', () => {
  it('wanders around 0 with about its standard deviation over hours', () => {
    const values = walk(3, 6 * 3600);
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    const sd = Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length);
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(sd).toBeGreaterThan(0.03);
    expect(sd).toBeLessThan(0.07);
  });

  it('is slow: one second moves it a small fraction of its spread, ten minutes the whole of it', () => {
    const values = walk(5, 4 * 3600);
    const change = (lag: number) => Math.sqrt(values.slice(lag).reduce((sum, value, i) => sum + (value - values[i]!) ** 2, 0) / (values.length - lag));
    expect(change(1)).toBeLessThan(0.01);
    expect(change(600)).toBeGreaterThan(0.04);
  });

  it('walks the same way for the same seed, another way for another', () => {
    expect(walk(9, 500)).toEqual(walk(9, 500));
    expect(walk(9, 500)).not.toEqual(walk(10, 500));
  });
});

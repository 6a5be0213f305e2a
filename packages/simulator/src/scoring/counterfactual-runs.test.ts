import { describe, expect, it } from 'vitest';
import { settledAt } from './counterfactual-runs';

const min = 60_000;
/** Running totals a minute apart, from per-minute additions of harm and minutes off. */
const totals = (steps: Array<[number, number]>) => {
  let harm = 0;
  let unavailableMinutes = 0;
  return steps.map(([addHarm, addOff]) => ((harm += addHarm), (unavailableMinutes += addOff), { harm, unavailableMinutes }));
};

describe('settledAt: where a run stopped adding impact (the outcome horizon is read from it)', () => {
  it('is the end of the last minute that added harm or speculation missing', () => {
    expect(settledAt(totals([[5, 0], [3, 1], [0, 1], [0, 0], [0, 0]]), 5 * min)).toBe(3 * min);
    expect(settledAt(totals([[5, 0], [0, 0], [2, 0], [0, 0]]), 4 * min)).toBe(3 * min);
  });

  it('is the end of the window for a run still costing then, and 0 for one that never cost', () => {
    expect(settledAt(totals([[5, 0], [0, 0], [0, 1]]), 3 * min)).toBe(3 * min);
    expect(settledAt(totals([[0, 0], [0, 0]]), 2 * min)).toBe(0);
  });

  it('reads no further than the window, however far the run went', () => {
    expect(settledAt(totals([[5, 0], [0, 0], [9, 0], [9, 0]]), 2 * min)).toBe(1 * min);
  });
});

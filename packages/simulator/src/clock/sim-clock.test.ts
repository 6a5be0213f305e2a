import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GamedayError } from '../core/gameday-error';
import { SimClock } from './sim-clock';
import { testWallClock, type TestWallClock } from './test-wall-clock';

/** A started realtime clock on a hand-moved wall, with a 1 s tick like the drill's. */
function realtimeClock(speed: number) {
  const wall = testWallClock();
  const clock = new SimClock({ mode: 'realtime', speed, wallNow: wall.now, pumpIntervalMs: 60_000 });
  const ticks: number[] = [];
  const tick = () => {
    ticks.push(clock.now());
    clock.setTimeout(tick, 1000);
  };
  clock.setTimeout(tick, 1000);
  clock.start();
  return { clock, wall, ticks };
}

/** Simulated ms the clock moves while `wallMs` of wall time pass. */
function rateOver(clock: SimClock, wall: TestWallClock, wallMs: number): number {
  clock.catchUp();
  const before = clock.now();
  wall.pass(wallMs);
  clock.catchUp();
  return clock.now() - before;
}

describe('SimClock', () => {
  it('fires a self-rescheduling 1 s timer once per simulated second, at its own due time', () => {
    const clock = new SimClock({ mode: 'virtual' });
    const fired: number[] = [];
    const tick = () => {
      fired.push(clock.now());
      clock.setTimeout(tick, 1000);
    };
    clock.setTimeout(tick, 1000);
    clock.advanceBy(5000);
    expect(fired).toEqual([1000, 2000, 3000, 4000, 5000]);
    expect(clock.now()).toBe(5000);
  });

  it('fires timers due at the same time in the order they were set, and honours clearTimeout', () => {
    const clock = new SimClock({ mode: 'virtual' });
    const order: string[] = [];
    clock.setTimeout(() => order.push('a'), 100);
    const cancelled = clock.setTimeout(() => order.push('x'), 100);
    clock.setTimeout(() => order.push('b'), 100);
    clock.setTimeout(() => order.push('early'), 50);
    clock.clearTimeout(cancelled);
    clock.advanceTo(100);
    expect(order).toEqual(['early', 'a', 'b']);
  });

  it('never moves backwards', () => {
    const clock = new SimClock({ mode: 'virtual' });
    clock.advanceTo(500);
    clock.advanceTo(100);
    expect(clock.now()).toBe(500);
  });

  it('in realtime follows the wall clock times the speed, and stands still while paused', async () => {
    const clock = new SimClock({ mode: 'realtime', speed: 50, pumpIntervalMs: 10 });
    clock.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    clock.catchUp();
    const running = clock.now();
    expect(running).toBeGreaterThan(3000);
    clock.pause();
    const paused = clock.now();
    await new Promise((resolve) => setTimeout(resolve, 60));
    clock.catchUp();
    expect(clock.now()).toBe(paused);
    clock.stop();
  });

  it('reports where a skip started and ended', () => {
    const clock = new SimClock({ mode: 'virtual' });
    clock.advanceTo(2000);
    expect(clock.advanceBy(3000)).toEqual({ fromMs: 2000, toMs: 5000 });
    expect(clock.advanceTo(4000)).toEqual({ fromMs: 5000, toMs: 5000 });
  });

  it('advanceUntil steps until the condition holds, or until the limit', () => {
    const clock = new SimClock({ mode: 'virtual' });
    expect(clock.advanceUntil(() => clock.now() >= 7000, 60_000, 1000)).toEqual({ fromMs: 0, toMs: 7000 });
    expect(clock.advanceUntil(() => false, 5000, 1000)).toEqual({ fromMs: 7000, toMs: 12_000 });
    expect(clock.advanceUntil(() => true, 5000, 1000)).toEqual({ fromMs: 12_000, toMs: 12_000 });
  });

  it('refuses a speed that is not a positive number, naming the field, and keeps its own', () => {
    const clock = new SimClock({ mode: 'realtime', speed: 5 });
    for (const speed of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => clock.setSpeed(speed)).toThrow(expect.objectContaining({ name: 'GamedayError', field: 'speed', message: expect.stringMatching(/^speed: .* a number above 0$/) as unknown }));
    }
    expect(clock.speed).toBe(5);
    expect(() => new SimClock({ mode: 'realtime', speed: 0 })).toThrow(GamedayError);
  });

  // issue 16: advanceBy never moved the wall anchor, so after a skip the realtime pump thought it
  // was ahead and the clock stood still for as long as it had skipped.
  describe('the anchor rule in realtime mode (issue 16)', () => {
    for (const speed of [1, 20]) {
      it(`at ×${speed}, goes on at its speed right after a 5-minute skip`, () => {
        const { clock, wall, ticks } = realtimeClock(speed);
        wall.pass(1000);
        clock.catchUp();
        expect(clock.now()).toBe(speed * 1000);
        const skip = clock.advanceBy(5 * 60_000);
        expect(skip).toEqual({ fromMs: speed * 1000, toMs: speed * 1000 + 5 * 60_000 });
        // 100 ms of wall time later the clock has moved 100 ms times the speed, and keeps doing so.
        expect(rateOver(clock, wall, 100)).toBe(speed * 100);
        expect(rateOver(clock, wall, 1000)).toBe(speed * 1000);
        // Ticks kept firing once per simulated second, through the skip and after it.
        expect(ticks.length).toBe(Math.floor(clock.now() / 1000));
      });
    }

    it('held, does every catch-up at the moment the hold began, a skip included, and loses no wall time after', () => {
      const { clock, wall } = realtimeClock(20);
      clock.catchUp();
      const start = clock.now();
      const skip = clock.hold(() => {
        // Computing before the skip takes wall time: held, it does not move the skip's start.
        wall.pass(3);
        clock.catchUp();
        expect(clock.now()).toBe(start);
        return clock.advanceBy(60_000);
      });
      expect(skip).toEqual({ fromMs: start, toMs: start + 60_000 });
      wall.pass(10);
      clock.catchUp();
      expect(clock.now()).toBe(start + 60_000 + 200);
    });

    it('keeps the wall time passed before a skip (never jumps back)', () => {
      const { clock, wall } = realtimeClock(20);
      wall.pass(500);
      // No catch-up since: the skip starts from where the wall says the drill is, not from the last pump.
      expect(clock.advanceBy(60_000)).toEqual({ fromMs: 10_000, toMs: 70_000 });
      clock.catchUp();
      expect(clock.now()).toBe(70_000);
    });

    it('does not add the wall time a skip takes to compute on top of it', () => {
      const wall = testWallClock();
      const clock = new SimClock({ mode: 'realtime', speed: 20, wallNow: wall.now, pumpIntervalMs: 60_000 });
      // Every simulated second costs 2 wall ms to compute: a 5-minute skip takes 600 wall ms.
      const tick = () => {
        wall.pass(2);
        clock.setTimeout(tick, 1000);
      };
      clock.setTimeout(tick, 1000);
      clock.start();
      const { toMs } = clock.advanceUntil(() => false, 5 * 60_000, 1000);
      clock.catchUp();
      expect(clock.now()).toBe(toMs);
      wall.pass(100);
      clock.catchUp();
      // 100 wall ms at ×20, plus the 2 ms the one tick in them cost (which is wall time passing too).
      expect(clock.now() - toMs).toBeGreaterThanOrEqual(2000);
      expect(clock.now() - toMs).toBeLessThanOrEqual(2040);
    });

    it('a skip while paused stays paused, and resume goes on from the skip', () => {
      const { clock, wall } = realtimeClock(20);
      wall.pass(100);
      clock.pause();
      expect(clock.now()).toBe(2000);
      wall.pass(10_000);
      clock.advanceBy(5 * 60_000);
      expect(rateOver(clock, wall, 1000)).toBe(0);
      expect(clock.now()).toBe(302_000);
      clock.resume();
      expect(clock.now()).toBe(302_000);
      expect(rateOver(clock, wall, 100)).toBe(2000);
    });

    it('a speed change after a skip goes on at the new speed from where the clock stands', () => {
      const { clock, wall } = realtimeClock(1);
      clock.advanceBy(5 * 60_000);
      wall.pass(250);
      clock.setSpeed(20);
      expect(clock.now()).toBe(300_250);
      expect(rateOver(clock, wall, 100)).toBe(2000);
      clock.setSpeed(1);
      expect(rateOver(clock, wall, 100)).toBe(100);
    });

    it('stands at its start moment until started, and where it stopped once stopped', () => {
      const wall = testWallClock();
      const clock = new SimClock({ mode: 'realtime', speed: 20, wallNow: wall.now, pumpIntervalMs: 60_000 });
      wall.pass(60_000);
      clock.catchUp();
      // A game-day session waits for its facilitator: its drill's time starts at 0 when it starts.
      expect(clock.now()).toBe(0);
      clock.start();
      expect(rateOver(clock, wall, 100)).toBe(2000);
      clock.stop();
      expect(rateOver(clock, wall, 1000)).toBe(0);
    });

    it('never moves backwards and, running, always moves at its speed, whatever the controls do', () => {
      const step = fc.oneof(
        fc.record({ op: fc.constant('wall' as const), ms: fc.integer({ min: 0, max: 5000 }) }),
        fc.record({ op: fc.constant('skip' as const), ms: fc.integer({ min: 0, max: 600_000 }) }),
        fc.record({ op: fc.constant('skipUntil' as const), ms: fc.integer({ min: 0, max: 120_000 }) }),
        fc.record({ op: fc.constant('pause' as const) }),
        fc.record({ op: fc.constant('resume' as const) }),
        fc.record({ op: fc.constant('speed' as const), speed: fc.constantFrom(0.5, 1, 2, 20, 60) }),
      );
      fc.assert(
        fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
          const { clock, wall } = realtimeClock(1);
          let last = clock.now();
          for (const next of steps) {
            if (next.op === 'wall') wall.pass(next.ms);
            else if (next.op === 'skip') clock.advanceBy(next.ms);
            else if (next.op === 'skipUntil') clock.advanceUntil(() => false, next.ms, 1000);
            else if (next.op === 'pause') clock.pause();
            else if (next.op === 'resume') clock.resume();
            else clock.setSpeed(next.speed);
            clock.catchUp();
            expect(clock.now()).toBeGreaterThanOrEqual(last);
            last = clock.now();
            const moved = rateOver(clock, wall, 1000);
            expect(moved).toBe(clock.isPaused ? 0 : 1000 * clock.speed);
            last = clock.now();
          }
        }),
        { numRuns: 200 },
      );
    });
  });
});

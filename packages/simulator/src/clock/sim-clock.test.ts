import { describe, expect, it } from 'vitest';
import { SimClock } from './sim-clock';

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
});

/**
 * The facilitator's hold on a drill's time (`/_sim/clock/...`): skip ahead on any clock; pause,
 * resume and change speed on the realtime clock only, since the virtual clock moves only when
 * advanced. A refusal changes nothing.
 */
import { GamedayError } from '../core/gameday-error';
import type { Drill } from './drill';

/** Moves simulated time forward; on the realtime clock the drill goes on at its speed from there. */
export function advanceClock(drill: Drill, ms: number): void {
  drill.skipTime(ms, 'facilitator advance');
}

export function pauseClock(drill: Drill): void {
  return drill.asInput(
    () => ({ kind: 'pause' }),
    () => {
      if (drill.clock.mode === 'virtual') throw new GamedayError('CONFLICT', 'the virtual clock only moves when advanced; there is nothing to pause');
      drill.clock.pause();
    },
  );
}

export function resumeClock(drill: Drill): void {
  return drill.asInput(
    () => ({ kind: 'resume' }),
    () => {
      if (drill.clock.mode === 'virtual') throw new GamedayError('CONFLICT', 'the virtual clock only moves when advanced; there is nothing to resume');
      drill.clock.resume();
    },
  );
}

/** Simulated seconds per wall second (the clock itself checks the number). */
export function setClockSpeed(drill: Drill, speed: number): void {
  return drill.asInput(
    () => ({ kind: 'speed', speed }),
    () => {
      if (drill.clock.mode === 'virtual') throw new GamedayError('CONFLICT', 'speed applies to the realtime clock; this drill runs on the virtual clock (use /_sim/clock/advance)');
      drill.clock.setSpeed(speed);
    },
  );
}

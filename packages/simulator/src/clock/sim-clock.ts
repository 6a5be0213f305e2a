/**
 * The drill's clock. Every wait in the simulation (the world's tick, a scenario's `after`
 * transitions, a drain finishing) is a timer on this one queue, so virtual, accelerated and real
 * time differ only in who advances it.
 *
 * Why not xstate's SimulatedClock: its `increment(ms)` moves `now` to the end first and then
 * fires what is due, so a 1 s tick scheduled from inside a tick would fire once per increment
 * instead of once per simulated second. Here `advanceTo` fires timers one by one at their own
 * due time, which is what a physics step needs. The class implements xstate's `Clock` interface,
 * so actors take it as `createActor(machine, { clock })`.
 *
 * The anchor rule (realtime mode). Simulated time follows the wall clock from one anchor, a
 * pair (wall moment, simulated moment): `sim = simAnchor + (wall - wallAnchor) × speed`. Only
 * the wall clock passing moves time along that line; everything else that moves or stops time
 * (a skip: `advanceTo`, `advanceBy`, `advanceUntil`; `pause`, `setSpeed`) first catches up to
 * the wall, so no time already passed is lost (time never jumps back), then does its work, and
 * it, `start` and `resume` re-anchor at (wall now, sim now), so time goes on at its speed from
 * the new moment (time never stalls). Before that rule a skip left the anchor behind and the
 * clock stood still for as long as it had skipped (issue 16). docs/architecture.md has the rule
 * from the drill's side.
 */
import { GamedayError } from '../core/gameday-error';

export type ClockMode = 'virtual' | 'realtime';

interface Timer {
  id: number;
  due: number;
  seq: number;
  fn: () => void;
}

export interface ClockOptions {
  mode: ClockMode;
  /** Simulated milliseconds per wall millisecond in realtime mode. */
  speed?: number;
  /** How often (wall ms) realtime mode catches the simulation up with the wall clock. */
  pumpIntervalMs?: number;
  /** The wall clock realtime mode follows, in ms; `performance.now` unless a test injects one. */
  wallNow?: () => number;
}

/** Where a skip started and ended, in simulated ms. */
export interface Skip {
  fromMs: number;
  toMs: number;
}

export class SimClock {
  readonly mode: ClockMode;
  private nowMs = 0;
  private nextId = 1;
  private seq = 0;
  private timers: Timer[] = [];
  private advancing = false;
  private speedFactor: number;
  private paused = false;
  private holds = 0;
  /** Following the wall clock: between `start` and `stop` (realtime only). */
  private following = false;
  private wallAnchor = 0;
  private simAnchor = 0;
  private pump: NodeJS.Timeout | undefined;
  private readonly pumpIntervalMs: number;
  private readonly wallNow: () => number;

  constructor(options: ClockOptions) {
    this.mode = options.mode;
    this.speedFactor = checkedSpeed(options.speed ?? 1);
    this.pumpIntervalMs = options.pumpIntervalMs ?? 100;
    this.wallNow = options.wallNow ?? (() => performance.now());
  }

  /** Simulated milliseconds since the drill started. */
  now(): number {
    return this.nowMs;
  }

  get speed(): number {
    return this.speedFactor;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  setTimeout(fn: (...args: unknown[]) => void, timeout: number): number {
    const id = this.nextId++;
    this.timers.push({ id, due: this.nowMs + Math.max(0, timeout), seq: this.seq++, fn: fn });
    return id;
  }

  clearTimeout(id: unknown): void {
    const index = this.timers.findIndex((timer) => timer.id === id);
    if (index >= 0) this.timers.splice(index, 1);
  }

  /**
   * Skips simulated time forward to `target`, firing every timer that falls due on the way at
   * its own due time, in due order (ties in scheduling order). Timers scheduled while firing are
   * honoured if they fall due before `target`. In realtime mode the clock goes on from `target`
   * at its speed (the anchor rule above).
   */
  advanceTo(target: number): Skip {
    return this.skip(() => this.run(target));
  }

  /** Skips `ms` of simulated time from now (see `advanceTo`). */
  advanceBy(ms: number): Skip {
    return this.skip(() => this.run(this.nowMs + ms));
  }

  /**
   * Skips ahead `stepMs` at a time until `done()` holds or `maxMs` have passed: one skip, so in
   * realtime mode the wall time the steps take to compute is not added on top of it.
   */
  advanceUntil(done: () => boolean, maxMs: number, stepMs: number): Skip {
    return this.skip(() => {
      const from = this.nowMs;
      while (!done() && this.nowMs - from < maxMs) this.run(this.nowMs + stepMs);
    });
  }

  /** Starts following the wall clock (realtime mode only). */
  start(): void {
    if (this.mode !== 'realtime' || this.following) return;
    this.following = true;
    this.rebase();
    this.pump = setInterval(() => this.catchUp(), this.pumpIntervalMs);
    this.pump.unref();
  }

  /** Stops following the wall clock: a stopped drill's time stands where it ended. */
  stop(): void {
    this.following = false;
    if (this.pump) clearInterval(this.pump);
    this.pump = undefined;
  }

  pause(): void {
    if (this.paused) return;
    this.catchUp();
    this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.rebase();
  }

  setSpeed(speed: number): void {
    const checked = checkedSpeed(speed);
    this.catchUp();
    this.speedFactor = checked;
    this.rebase();
  }

  /**
   * Runs `act` with the wall clock's passing held back: every catch-up inside it is a no-op, so
   * an action that starts at simulated moment T (a drill input, kept with T) does all its work at
   * T however long it takes to compute. A skip inside still moves time and re-anchors; otherwise
   * the wall time `act` took is caught up afterwards, so none is lost. Without the hold a skip
   * inside caught up again and started a millisecond or two after the moment kept for it, and a
   * replay from the kept moment came out that much earlier.
   */
  hold<T>(act: () => T): T {
    this.holds++;
    try {
      return act();
    } finally {
      this.holds--;
    }
  }

  /**
   * Brings realtime simulation up to the wall clock. A no-op when virtual, before `start`, after
   * `stop`, while paused, while held, and from inside a timer callback.
   */
  catchUp(): void {
    if (!this.following || this.paused || this.advancing || this.holds > 0) return;
    this.run(Math.floor(this.simAnchor + (this.wallNow() - this.wallAnchor) * this.speedFactor));
  }

  /** A move of simulated time that is not the wall clock passing: catch up, move, re-anchor. */
  private skip(move: () => void): Skip {
    this.catchUp();
    const fromMs = this.nowMs;
    move();
    this.rebase();
    return { fromMs, toMs: this.nowMs };
  }

  private run(target: number): void {
    // A target that is not a number would fire every timer, rescheduled ticks included, forever.
    if (!Number.isFinite(target)) throw new RangeError(`SimClock: cannot move to ${String(target)} ms`);
    if (target < this.nowMs) return;
    if (this.advancing) throw new Error('SimClock.advanceTo re-entered from a timer callback');
    this.advancing = true;
    try {
      for (;;) {
        const next = this.peek();
        if (!next || next.due > target) break;
        this.timers.splice(this.timers.indexOf(next), 1);
        this.nowMs = next.due;
        next.fn();
      }
      this.nowMs = target;
    } finally {
      this.advancing = false;
    }
  }

  private rebase(): void {
    this.wallAnchor = this.wallNow();
    this.simAnchor = this.nowMs;
  }

  private peek(): Timer | undefined {
    let best: Timer | undefined;
    for (const timer of this.timers) {
      if (!best || timer.due < best.due || (timer.due === best.due && timer.seq < best.seq)) best = timer;
    }
    return best;
  }
}

/** A speed the anchor arithmetic can use: a positive, finite number. */
function checkedSpeed(speed: number): number {
  if (!Number.isFinite(speed) || speed <= 0) {
    throw new GamedayError('INVALID_PARAMETER', `speed: ${String(speed)} is not a speed; give simulated seconds per wall second, a number above 0`, { field: 'speed' });
  }
  return speed;
}

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
 */
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
  private wallAnchor = 0;
  private simAnchor = 0;
  private pump: NodeJS.Timeout | undefined;
  private readonly pumpIntervalMs: number;

  constructor(options: ClockOptions) {
    this.mode = options.mode;
    this.speedFactor = options.speed ?? 1;
    this.pumpIntervalMs = options.pumpIntervalMs ?? 100;
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
   * Moves simulated time forward to `target`, firing every timer that falls due on the way at
   * its own due time, in due order (ties in scheduling order). Timers scheduled while firing are
   * honoured if they fall due before `target`.
   */
  advanceTo(target: number): void {
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

  advanceBy(ms: number): void {
    this.advanceTo(this.nowMs + ms);
  }

  /** Starts following the wall clock (realtime mode only). */
  start(): void {
    if (this.mode !== 'realtime' || this.pump) return;
    this.rebase();
    this.pump = setInterval(() => this.catchUp(), this.pumpIntervalMs);
    this.pump.unref();
  }

  stop(): void {
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
    this.catchUp();
    this.speedFactor = speed;
    this.rebase();
  }

  /** Brings realtime simulation up to the wall clock; a no-op when virtual or paused. */
  catchUp(): void {
    if (this.mode !== 'realtime' || this.paused || this.advancing) return;
    const target = this.simAnchor + (performance.now() - this.wallAnchor) * this.speedFactor;
    this.advanceTo(Math.floor(target));
  }

  private rebase(): void {
    this.wallAnchor = performance.now();
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

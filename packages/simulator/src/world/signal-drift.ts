/**
 * Slow drift for the world's rates and latencies: a real service's baseline wanders by a few
 * percent over minutes (load, caches, neighbours), it is not flat with white noise on top.
 */
import type { Rng } from './random';

/**
 * A mean-reverting random walk (Ornstein-Uhlenbeck, sampled each tick): `value` wanders around 0
 * with a standard deviation of `sd` and forgets its past over about `tauSeconds`. One draw per
 * step, from the stream it is given, so the same seed and the same ticks give the same walk.
 */
export class Drift {
  value = 0;
  private readonly keep: number;
  private readonly stepSd: number;

  constructor(
    private readonly rng: Rng,
    readonly sd: number,
    readonly tauSeconds: number,
    tickSeconds = 1,
  ) {
    this.keep = Math.exp(-tickSeconds / tauSeconds);
    // The stationary deviation of x' = keep·x + e is sd when e has sd·√(1 − keep²).
    this.stepSd = sd * Math.sqrt(1 - this.keep * this.keep);
    // Start somewhere on the walk, not at its mean, so a drill does not open on a flat line.
    this.value = rng.gauss(sd);
  }

  step(): number {
    this.value = this.keep * this.value + this.rng.gauss(this.stepSd);
    return this.value;
  }
}

/** The drifts the world's signals ride on: each a relative deviation (0.04 = 4 % above normal). */
export interface SignalDrifts {
  /** Demand, on top of the half-hour wave. */
  load: Drift;
  /** The healthy rollback rate (write conflicts, stale reads). */
  rollbacks: Drift;
  /** How long a speculative task runs: the service's latency. */
  taskSeconds: Drift;
  /** How long a proof waits for its batch: the healthy queue's depth. */
  proofWait: Drift;
}

/** The world's drifts, all from one stream of their own (seeded from the world's seed). */
export function signalDrifts(rng: Rng): SignalDrifts {
  return {
    load: new Drift(rng, 0.04, 600),
    rollbacks: new Drift(rng, 0.08, 420),
    taskSeconds: new Drift(rng, 0.05, 300),
    proofWait: new Drift(rng, 0.2, 240),
  };
}

export function stepDrifts(drifts: SignalDrifts): void {
  drifts.load.step();
  drifts.rollbacks.step();
  drifts.taskSeconds.step();
  drifts.proofWait.step();
}

/**
 * What the incident has cost so far, summed every simulated second from the world's readings by
 * each running fault's `impact` declaration (scenarios/src/<id>.ts): its own harm, and the cost
 * of speculation being off or below its normal settings. Deterministic: the same world, second
 * by second, gives the same sums, so a drill replayed from its journal and the counterfactual
 * runs (no responder, the ideal path) are measured exactly as the live drill is.
 */
import { speculationShortfall, type Readings, type ScenarioSpec } from '@gameday/scenarios';

export interface ImpactTotals {
  /** Harm plus unavailability, in the incident's unit. */
  total: number;
  /** The incident's own harm. */
  harm: number;
  /** What speculation off or below its normal settings cost. */
  unavailable: number;
}

/** Per-minute samples kept: a day of drill (the fact log and the debrief never need more). */
const maxMinuteSamples = 24 * 60;

export class ImpactMeter {
  private harm = 0;
  private unavailable = 0;
  private before: Readings | undefined;
  /** The running totals at the end of each simulated minute: `perMinute[m]` is the total at minute m + 1. */
  readonly perMinute: number[] = [];
  /** The running harm alone, likewise. */
  readonly harmPerMinute: number[] = [];

  /** Adds the second that ended at `readings.simMs`, by every running fault's declaration. */
  step(specs: readonly ScenarioSpec[], readings: Readings): void {
    const before = this.before ?? readings;
    this.before = readings;
    if (specs.length > 0) {
      let unavailablePerMinute = 0;
      for (const spec of specs) {
        this.harm += spec.impact.harmPerSecond(readings, before);
        unavailablePerMinute = Math.max(unavailablePerMinute, spec.impact.unavailablePerMinute);
      }
      this.unavailable += (speculationShortfall(readings) * unavailablePerMinute) / 60;
    }
    if (readings.simMs > 0 && readings.simMs % 60_000 === 0 && this.perMinute.length < maxMinuteSamples) {
      this.perMinute.push(this.harm + this.unavailable);
      this.harmPerMinute.push(this.harm);
    }
  }

  totals(): ImpactTotals {
    return { total: this.harm + this.unavailable, harm: this.harm, unavailable: this.unavailable };
  }
}

/**
 * What the incident has cost so far, summed every simulated second from the world's readings by
 * each running fault's `impact` declaration (scenarios/src/<id>.ts): its own harm, and the
 * minutes of speculation missing (off, or below its normal settings, weighted by the spec's
 * `unavailableWeight`), which the scorer prices against the same drill left alone.
 * Deterministic: the same world, second by second, gives the same sums, so a drill replayed from
 * its journal and the counterfactual runs (no responder, the ideal path) are measured exactly as
 * the live drill is.
 */
import { speculationShortfall, type Readings, type ScenarioSpec } from '@gameday/scenarios';

export interface ImpactTotals {
  /** The incident's own harm, in its unit. */
  harm: number;
  /** Minutes of speculation missing, weighted: an hour off is 60, an hour at half service 30. */
  unavailableMinutes: number;
}

/** Per-minute samples kept: a day of drill. */
const maxMinuteSamples = 24 * 60;

export class ImpactMeter {
  private harm = 0;
  private unavailableMinutes = 0;
  private before: Readings | undefined;
  /** The running totals at the end of each simulated minute: `perMinute[m]` is at minute m + 1. */
  readonly perMinute: ImpactTotals[] = [];

  /** Adds the second that ended at `readings.simMs`, by every running fault's declaration. */
  step(specs: readonly ScenarioSpec[], readings: Readings): void {
    const before = this.before ?? readings;
    this.before = readings;
    if (specs.length > 0) {
      let weight = 0;
      for (const spec of specs) {
        this.harm += spec.impact.harmPerSecond(readings, before);
        weight = Math.max(weight, spec.impact.unavailableWeight);
      }
      this.unavailableMinutes += (speculationShortfall(readings) * weight) / 60;
    }
    if (readings.simMs > 0 && readings.simMs % 60_000 === 0 && this.perMinute.length < maxMinuteSamples) this.perMinute.push(this.totals());
  }

  totals(): ImpactTotals {
    return { harm: this.harm, unavailableMinutes: this.unavailableMinutes };
  }
}

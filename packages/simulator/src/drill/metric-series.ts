/**
 * The dashboard's time series: the readings the runbook cares about, sampled every five
 * simulated seconds, the last six hours kept (a whole drill, for the charts' range picker).
 * Charts load it once and then follow the newest sample.
 *
 * A sample taken while the exporter fails its scrape (`world/scrape-gaps.ts`) is a gap: `up` 0
 * and no values, as Prometheus records a failed scrape. A chart draws no line across it, and a
 * responder can tell "no data" from a zero.
 */
import type { World } from '../world/world';

/** The values of a successful scrape. */
export interface SeriesValues {
  rollbackRate: number;
  activeTasks: number;
  /** Errors per second since the last successful scrape. */
  errorRate: number;
  memoryRatio: number;
  proofQueueRatio: number;
  /** Integrity scans that found bad records in the last 15 minutes (what the corruption alert reads). */
  integrityFailures: number;
  stakeTokens: number;
}

/** A scrape that answered (`up` 1), or one that failed (`up` 0, every value null). */
export type SeriesSample = { simMs: number } & (({ up: 1 } & SeriesValues) | ({ up: 0 } & { [Name in keyof SeriesValues]: null }));

/** Samples kept: six simulated hours at one every five seconds. */
export const seriesCapacity = 4320;

export class MetricSeries {
  private samples: SeriesSample[] = [];
  private lastErrors = 0;
  private lastMs: number | null = null;

  constructor(readonly capacity = seriesCapacity) {}

  /** Takes the sample of `simMs`: the world's readings when the scrape succeeded (`up`), a gap when it failed. */
  sample(world: World, simMs: number, up = true): SeriesSample {
    const sample = up ? this.values(world, simMs) : gap(simMs);
    this.samples.push(sample);
    if (this.samples.length > this.capacity) this.samples.shift();
    return sample;
  }

  private values(world: World, simMs: number): SeriesSample {
    const readings = world.readings();
    let errors = 0;
    for (const count of Object.values(world.errors)) errors += count;
    // Like Prometheus's rate() across a missed scrape: the increase over the whole interval since the last good one.
    const seconds = this.lastMs === null ? 1 : Math.max(1, (simMs - this.lastMs) / 1000);
    const errorRate = this.lastMs === null ? 0 : Number(((errors - this.lastErrors) / seconds).toFixed(2));
    this.lastErrors = errors;
    this.lastMs = simMs;
    return {
      simMs,
      up: 1,
      rollbackRate: Number(readings.rollbackRate.toFixed(4)),
      activeTasks: Math.round(readings.activeTasks),
      errorRate,
      memoryRatio: Number(readings.memoryRatio.toFixed(4)),
      proofQueueRatio: Number(readings.proofQueueRatio.toFixed(4)),
      integrityFailures: readings.integrityCheckFailuresRecent,
      stakeTokens: world.stakeTokens,
    };
  }

  since(simMs: number): SeriesSample[] {
    return this.samples.filter((sample) => sample.simMs > simMs);
  }

  latest(): SeriesSample | undefined {
    return this.samples[this.samples.length - 1];
  }
}

function gap(simMs: number): SeriesSample {
  return { simMs, up: 0, rollbackRate: null, activeTasks: null, errorRate: null, memoryRatio: null, proofQueueRatio: null, integrityFailures: null, stakeTokens: null };
}

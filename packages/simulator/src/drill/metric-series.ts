/**
 * The dashboard's time series: the readings the runbook cares about, sampled every five
 * simulated seconds, the last hour kept. Charts load it once and then follow the newest sample.
 */
import type { World } from '../world/world';

export interface SeriesSample {
  simMs: number;
  rollbackRate: number;
  activeTasks: number;
  /** Errors per second over the last sample interval. */
  errorRate: number;
  memoryRatio: number;
  proofQueueRatio: number;
  integrityFailures: number;
  stakeTokens: number;
}

export class MetricSeries {
  private samples: SeriesSample[] = [];
  private lastErrors = 0;
  private lastMs = 0;

  constructor(readonly capacity = 720) {}

  sample(world: World, simMs: number): SeriesSample {
    const readings = world.readings();
    let errors = 0;
    for (const count of Object.values(world.errors)) errors += count;
    const seconds = Math.max(1, (simMs - this.lastMs) / 1000);
    const sample: SeriesSample = {
      simMs,
      rollbackRate: Number(readings.rollbackRate.toFixed(4)),
      activeTasks: Math.round(readings.activeTasks),
      errorRate: this.samples.length === 0 ? 0 : Number(((errors - this.lastErrors) / seconds).toFixed(2)),
      memoryRatio: Number(readings.memoryRatio.toFixed(4)),
      proofQueueRatio: Number(readings.proofQueueRatio.toFixed(4)),
      integrityFailures: world.integrityFailures,
      stakeTokens: world.stakeTokens,
    };
    this.lastErrors = errors;
    this.lastMs = simMs;
    this.samples.push(sample);
    if (this.samples.length > this.capacity) this.samples.shift();
    return sample;
  }

  since(simMs: number): SeriesSample[] {
    return this.samples.filter((sample) => sample.simMs > simMs);
  }

  latest(): SeriesSample | undefined {
    return this.samples[this.samples.length - 1];
  }
}

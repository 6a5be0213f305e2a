/** Helpers for scenario tests: healthy readings to override, and a clock stepped second by second. */
import type { SimulatedClock } from 'xstate';
import { peakAtMs, type CommonVariant } from './incident-kit';
import { isBusinessHours, seededEpochMs } from './primary-region';
import type { Readings, WorldEvent } from './scenario-types';

/**
 * Moves xstate's SimulatedClock to `ms` a second at a time. Its `set` jumps straight to the end
 * before firing timers, so a transition's own `after` would start late; stepping keeps each
 * timer on its due second, as the simulator's clock does.
 */
export function stepTo(clock: SimulatedClock, ms: number): void {
  while (clock.now() < ms) clock.increment(Math.min(1000, ms - clock.now()));
}

export function readings(overrides: Partial<Readings> = {}): Readings {
  return {
    simMs: 0,
    speculationEnabled: true,
    speculationAutoDisabled: false,
    maxDepth: 4,
    rolloutPercentage: 100,
    rollbackRate: 0.02,
    activeTasks: 540,
    memoryRatio: 0.55,
    oomKilledPods: 0,
    proofQueueRatio: 0,
    proofWorkersReady: 8,
    agencWorkersReady: 4,
    gatewayPodsReady: 2,
    corruptedRecords: 0,
    integrityCheckFailures: 0,
    integrityCheckFailuresRecent: 0,
    slashedTokens: 0,
    slashedTokensLast24h: 0,
    speculationPodsReady: 3,
    speculationPodsDesired: 3,
    speculationPodsOutdated: 0,
    operationsAffected: 0.01,
    operationsPending: 0,
    failingPods: 0,
    crashLoopingPods: 0,
    proofWorkersFailing: 0,
    slashingEventsLastHour: 0,
    logVolumeAvailableRatio: 0.5,
    ...overrides,
  };
}

/** A `world.observed` event at `simMs` with these readings. */
export function observed(simMs: number, overrides: Partial<Readings> = {}): WorldEvent {
  return { type: 'world.observed', readings: readings({ simMs, ...overrides }), simMs };
}

/** Business hours in the variant's primary region when it turns critical, on the seed's epoch. */
export function businessHoursAtPeak(variant: CommonVariant, seed: number): boolean {
  return isBusinessHours(variant.primaryRegion, seededEpochMs(seed) + peakAtMs(variant));
}

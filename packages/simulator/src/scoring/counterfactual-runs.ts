/**
 * The runs a finished drill's outcome is measured against. The simulation is deterministic, so
 * the same scenario, seed, difficulty, onset and injected faults can be played again: with no
 * responder (what the incident costs left alone), along the ideal path (what the runbook, done
 * well, leaves of it), and the drill itself replayed from its journal's facts (what the
 * responder's changes cost, continued past the finish with nobody acting, so a service left off
 * or a cause left in place goes on costing). Each run is a virtual-clock Drill with its impact
 * meter; the first two do not depend on the responder and are cached by what they do depend on.
 */
import { Drill } from '../drill/drill';
import type { ImpactTotals } from '../drill/impact-meter';
import { applyIntent, type ResponderIntent } from '../drill/responder-intents';
import { findScenario, type Difficulty } from '@gameday/scenarios';
import { idealResponder, isWorldMove, responderStepMs, type Responder, type TakenStep } from './ideal-responders';

/** Everything a run depends on but the responder: read from the drill's `drill.started` and `fault.injected` facts. */
export interface RunKey {
  scenario: string;
  seed: number;
  difficulty: Difficulty;
  onsetDelayMs: number;
  /** The instant simulated 0 stands for (undefined: the seed's). */
  epochMs: number | undefined;
  /** Faults a facilitator injected, and when. */
  faults: ReadonlyArray<{ scenario: string; atMs: number }>;
}

/** A change the responder made, at the simulated moment it began. */
export interface TimedIntent {
  atMs: number;
  intent: ResponderIntent;
  /** Who made it (a game-day participant's name, `admin`…); null when the journal does not say. */
  actor?: string | null;
}

/** What a run measured at the horizon. */
export interface RunMeasure {
  /** Harm plus the minutes of speculation missing at their price (`Counterfactuals.minutePrice`). */
  total: number;
  totals: ImpactTotals;
  /** The running totals at the end of each simulated minute up to the horizon. */
  perMinute: ImpactTotals[];
  /** When the world first met its resolved condition (null: not by the horizon). */
  resolvedAtMs: number | null;
  /** The ideal path's steps up to the horizon (empty for the other runs). */
  steps: TakenStep[];
}

/** Runs longer than this are not simulated: the horizon stops here. */
export const maxRunMs = 8 * 3_600_000;

/** A drill played forward on its own clock, with a responder (scripted or replayed) or none. */
class Run {
  readonly drill: Drill;
  private faultIndex = 0;
  private intentIndex = 0;
  private nextActMs = 0;
  private resolvedAtMs: number | null = null;

  constructor(
    private readonly key: RunKey,
    private readonly responder: Responder | null,
    private readonly intents: readonly TimedIntent[] = [],
  ) {
    // Held still and moved only by the run, as a replay of inputs is: the waits of a drain or an
    // integrity check are then the request's, not the run's (on a virtual clock they would skip
    // time inside the change, and a change made meanwhile on a realtime drill would land late).
    this.drill = new Drill({ scenario: key.scenario, seed: key.seed, difficulty: key.difficulty, clock: 'realtime', speed: 1, onsetDelayMs: key.onsetDelayMs, ...(key.epochMs === undefined ? {} : { epochMs: key.epochMs }), journalCapacity: 200 });
    this.drill.beginReplay(() => 0);
    this.drill.start();
  }

  /**
   * Plays forward to `targetMs`. The responder looks every `responderStepMs` from its last
   * look, whatever chunks the run is asked in, so a cached run extends exactly as one played
   * straight through.
   */
  advanceTo(targetMs: number): void {
    const drill = this.drill;
    while (drill.clock.now() < targetMs) {
      const now = drill.clock.now();
      let next = this.responder ? Math.min(targetMs, Math.max(now, this.nextActMs)) : targetMs;
      const fault = this.key.faults[this.faultIndex];
      if (fault) next = Math.min(next, Math.max(now, fault.atMs));
      const intent = this.intents[this.intentIndex];
      if (intent) next = Math.min(next, Math.max(now, intent.atMs));
      if (next > now) drill.clock.advanceTo(next);
      this.noteResolution();
      while (this.key.faults[this.faultIndex] && this.key.faults[this.faultIndex]!.atMs <= drill.clock.now()) drill.inject(this.key.faults[this.faultIndex++]!.scenario);
      while (this.intents[this.intentIndex] && this.intents[this.intentIndex]!.atMs <= drill.clock.now()) applyIntent(drill, this.intents[this.intentIndex++]!.intent);
      if (this.responder && drill.clock.now() >= this.nextActMs) {
        for (const move of this.responder.act(drill)) if (isWorldMove(move)) applyIntent(drill, move);
        this.nextActMs = drill.clock.now() + responderStepMs;
      }
      this.noteResolution();
    }
  }

  private noteResolution(): void {
    this.resolvedAtMs ??= this.drill.resolution().resolvedAtMs;
  }

  /** When the world first met its resolved condition, so far. */
  resolvedAt(): number | null {
    return this.resolvedAtMs;
  }

  /** The measure at `horizonMs`, a whole minute this run has reached: read from the per-minute samples, so a longer cached run reads the same. */
  measureAt(horizonMs: number): RunMeasure {
    const minute = horizonMs / 60_000;
    const { perMinute } = this.drill.impact;
    const totals = (minute > 0 ? perMinute[minute - 1] : undefined) ?? { harm: 0, unavailableMinutes: 0 };
    return {
      total: totals.harm,
      totals,
      perMinute: perMinute.slice(0, minute),
      resolvedAtMs: this.resolvedAtMs !== null && this.resolvedAtMs <= horizonMs ? this.resolvedAtMs : null,
      steps: (this.responder?.taken ?? []).filter((step) => step.atMs <= horizonMs),
    };
  }

  now(): number {
    return this.drill.clock.now();
  }

  stop(): void {
    this.drill.stop();
  }
}

/** A drill replayed from a finished one's facts, played forward on request: what "your drill replayed" measures. */
export interface ReplayedRun {
  readonly drill: Drill;
  advanceTo(targetMs: number): void;
  stop(): void;
}

/** The drill of `key` with `intents` applied at their moments, and nobody else acting. */
export function replayRun(key: RunKey, intents: readonly TimedIntent[]): ReplayedRun {
  return new Run(key, null, intents);
}

const keyText = (key: RunKey) => JSON.stringify([key.scenario, key.seed, key.difficulty, key.onsetDelayMs, key.epochMs, key.faults]);

/** Counterfactual runs kept, least recently used first out: a ladder or a busy server re-scores the same variants. */
const cacheSize = 12;
const cache = new Map<string, { noop: Run; ideal: Run }>();

function runsFor(key: RunKey): { noop: Run; ideal: Run } {
  const text = keyText(key);
  let runs = cache.get(text);
  if (runs) cache.delete(text);
  else runs = { noop: new Run(key, null), ideal: new Run(key, idealResponder(key.scenario)) };
  cache.set(text, runs);
  while (cache.size > cacheSize) {
    const [oldest, old] = cache.entries().next().value as [string, { noop: Run; ideal: Run }];
    old.noop.stop();
    old.ideal.stop();
    cache.delete(oldest);
  }
  return runs;
}

/**
 * How long the outcome keeps counting after the last minute the ideal path still added impact:
 * a response as good as the ideal's, but slower to settle, has that long to match it.
 */
export const horizonAfterSettledMs = 30 * 60_000;

/**
 * The end of the last minute, up to `untilMs`, in which a run's impact grew (harm, or speculation
 * missing); 0 when it never grew. A run still costing at `untilMs` settles there.
 */
export function settledAt(perMinute: readonly ImpactTotals[], untilMs: number): number {
  const minutes = Math.min(perMinute.length, Math.floor(untilMs / 60_000));
  for (let minute = minutes - 1; minute >= 0; minute--) {
    const now = perMinute[minute]!;
    const before = minute > 0 ? perMinute[minute - 1]! : { harm: 0, unavailableMinutes: 0 };
    if (now.harm > before.harm || now.unavailableMinutes > before.unavailableMinutes) return minute === minutes - 1 ? untilMs : (minute + 1) * 60_000;
  }
  return 0;
}

export interface Counterfactuals {
  /** The moment every run is measured at: half an hour after the ideal path and your response stopped adding impact. */
  horizonMs: number;
  /** What a minute of speculation missing costs: an average minute of the no-responder run's harm. */
  minutePrice: number;
  noop: RunMeasure;
  ideal: RunMeasure;
  actual: RunMeasure;
}

/**
 * The three runs of a finished drill, measured at one horizon: the later of the moment your
 * response stopped adding impact (by your finish: one still costing then settles there) and half
 * an hour after the ideal path stopped adding impact (by the time it resolved the incident), in
 * whole minutes (capped at `maxRunMs`). Not the moment a resolved condition was confirmed: its
 * observation windows ("no slashing in the last hour, for 30 minutes") change nothing in the
 * ideal run or yours, yet keep adding to the no-responder run, and a steady loss left alone
 * would then make any fix, however late, look like most of the ideal's.
 */
export function counterfactuals(key: RunKey, durationMs: number, intents: readonly TimedIntent[]): Counterfactuals {
  const runs = runsFor(key);
  const ideal = runs.ideal;
  const limit = Math.min(maxRunMs, Math.max(durationMs, 4 * 3_600_000));
  // The ideal path is played until it has resolved the incident (or the limit), then on to the horizon.
  while (ideal.now() < limit && ideal.resolvedAt() === null) ideal.advanceTo(Math.min(limit, ideal.now() + 10 * 60_000));
  // Up to its resolution, or the limit it was played to unresolved: a cached run may have gone
  // further, and what it found there is not counted, so a re-score measures the same.
  const idealResolved = ideal.resolvedAt();
  const idealSettled = settledAt(ideal.drill.impact.perMinute, Math.floor((idealResolved !== null && idealResolved <= limit ? idealResolved : limit) / 60_000) * 60_000);
  const actualRun = new Run(key, null, intents);
  try {
    const finishMinuteMs = Math.ceil(durationMs / 60_000) * 60_000;
    actualRun.advanceTo(Math.min(maxRunMs, finishMinuteMs) + 1000);
    const yoursSettled = settledAt(actualRun.drill.impact.perMinute, finishMinuteMs);
    const endMs = Math.max(yoursSettled, idealSettled + horizonAfterSettledMs);
    const horizonMs = Math.min(maxRunMs, Math.ceil(endMs / 60_000) * 60_000);
    const measure = (run: Run): RunMeasure => {
      // One second past the minute: the meter samples a minute on its last tick.
      if (run.now() < horizonMs + 1000) run.advanceTo(horizonMs + 1000);
      return run.measureAt(horizonMs);
    };
    const noop = measure(runs.noop);
    const weight = Math.max(0, ...[key.scenario, ...key.faults.map((fault) => fault.scenario)].map((id) => findScenario(id)?.spec?.impact.unavailableWeight ?? 0));
    const minutePrice = (weight * noop.totals.harm) / (horizonMs / 60_000);
    const priced = (run: RunMeasure): RunMeasure => ({ ...run, total: run.totals.harm + minutePrice * run.totals.unavailableMinutes });
    return { horizonMs, minutePrice, noop: priced(noop), ideal: priced(measure(ideal)), actual: priced(measure(actualRun)) };
  } finally {
    actualRun.stop();
  }
}

/** Replays kept by what they replay: a team's results are asked for again and again while a game-day is watched. */
const replayCacheSize = 32;
const replays = new Map<string, number>();

/**
 * The priced impact at `horizonMs` of the drill replayed with `intents` alone (a leave-one-out
 * run: the drill without one person's changes), as `counterfactuals` prices its runs.
 */
export function replayedImpact(key: RunKey, runs: Pick<Counterfactuals, 'horizonMs' | 'minutePrice'>, intents: readonly TimedIntent[]): number {
  const text = JSON.stringify([keyText(key), runs.horizonMs, runs.minutePrice, intents.map(({ atMs, intent }) => [atMs, intent])]);
  const known = replays.get(text);
  if (known !== undefined) {
    replays.delete(text);
    replays.set(text, known);
    return known;
  }
  const run = new Run(key, null, intents);
  try {
    run.advanceTo(runs.horizonMs + 1000);
    const { totals } = run.measureAt(runs.horizonMs);
    const total = totals.harm + runs.minutePrice * totals.unavailableMinutes;
    replays.set(text, total);
    while (replays.size > replayCacheSize) replays.delete(replays.keys().next().value!);
    return total;
  } finally {
    run.stop();
  }
}

/** Forgets the cached runs (tests that measure a cold start). */
export function clearCounterfactualCache(): void {
  replays.clear();
  for (const runs of cache.values()) {
    runs.noop.stop();
    runs.ideal.stop();
  }
  cache.clear();
}

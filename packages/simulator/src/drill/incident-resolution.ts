/**
 * Whether the incident is resolved, as a condition of the world rather than a button: every
 * running fault's cause is gone (`context.causeFixed`) and its spec's `resolved` readings hold,
 * continuously for the longest of their `forMs`. The drill checks it every tick; the outcome,
 * `GET /_sim/state` and the scorer read it from here.
 */
import { readingsSatisfy, type Readings, type ScenarioContext, type ScenarioSpec } from '@gameday/scenarios';

export type ResolutionState =
  /** The cause is still there, or the service is not back to normal. */
  | 'unresolved'
  /** Cause gone and readings normal, not yet for long enough. */
  | 'restoring'
  /** Cause gone and readings normal for the whole period. */
  | 'resolved';

export interface Resolution {
  state: ResolutionState;
  /** Every fault's cause is gone. */
  causeFixed: boolean;
  /** What "resolved" asks, in words (the specs' descriptions). */
  condition: string;
  /** Since when the whole condition has held without a break (null: it does not hold now). */
  holdingSinceMs: number | null;
  /** When it first became resolved, if it is now. */
  resolvedAtMs: number | null;
}

/** One fault as the tracker sees it: its spec (null for the healthy baseline) and its machine's context. */
export interface RunningFault {
  spec: ScenarioSpec | null;
  context: Pick<ScenarioContext, 'causeFixed'>;
}

export class IncidentResolution {
  private holdingSinceMs: number | null = null;
  private resolvedAtMs: number | null = null;
  private causeFixed = false;
  private condition = '';

  /**
   * Checks the condition at `simMs`. Returns the transition, if there was one: `resolved` when
   * it has held long enough, `relapsed` when a resolved incident stops holding.
   */
  update(faults: readonly RunningFault[], readings: Readings, simMs: number): 'resolved' | 'relapsed' | undefined {
    const specs = faults.map((fault) => fault.spec).filter((spec): spec is ScenarioSpec => spec !== null);
    this.causeFixed = faults.every((fault) => fault.context.causeFixed);
    this.condition = specs.length === 0 ? 'nothing is broken' : specs.map((spec) => spec.resolved.description).join('; and ');
    const holds = this.causeFixed && specs.every((spec) => readingsSatisfy(spec.resolved, readings));
    if (!holds) {
      this.holdingSinceMs = null;
      if (this.resolvedAtMs === null) return undefined;
      this.resolvedAtMs = null;
      return 'relapsed';
    }
    this.holdingSinceMs ??= simMs;
    const forMs = Math.max(0, ...specs.map((spec) => spec.resolved.forMs));
    if (this.resolvedAtMs === null && simMs - this.holdingSinceMs >= forMs) {
      this.resolvedAtMs = simMs;
      return 'resolved';
    }
    return undefined;
  }

  current(): Resolution {
    const state: ResolutionState = this.resolvedAtMs !== null ? 'resolved' : this.holdingSinceMs !== null ? 'restoring' : 'unresolved';
    return { state, causeFixed: this.causeFixed, condition: this.condition, holdingSinceMs: this.holdingSinceMs, resolvedAtMs: this.resolvedAtMs };
  }
}

/**
 * What an action notes for the journal entry of the request that asked for it. The drill's
 * actions fill it; the http layer writes the entry when the answer has gone out, so a request
 * that failed validation (and so changed nothing) is journaled with no action's facts.
 */
export interface ActionJournal {
  /** Facts for the entry: what scoring, the runbook checker and the timeline read. */
  readonly detail: Record<string, unknown>;
  /** Marks the action harmful, with the scenario's reason; nothing when the scenario saw no harm. */
  noteHarm(why: string | undefined): void;
}

/**
 * Notes the simulated moment the action acted at. The http layer writes the entry when the
 * answer has gone out, and on the realtime clock the clock may have moved on by then (a pump,
 * a drain's wait): the counterfactual run replays the change at this moment, not the entry's.
 */
export function noteMoment(drill: { clock: { now(): number } }, journal: ActionJournal): void {
  journal.detail.startedAtMs ??= drill.clock.now();
}

/**
 * What the service's admin commands do to a drill: drain speculation, change the runtime
 * config, run GC, check integrity, clear snapshots, time out stuck proofs, snapshot the stake.
 * Each acts on the world, notes its facts for the journal (what scoring credits, by effect),
 * and tells the scenario, which may judge it harmful. The admin routes parse, call one of these
 * and shape the reply.
 */
import { parseConfigChanges, type ConfigKey, type ConfigValue } from '../world/config-schema';
import { noteMoment, type ActionJournal } from './action-journal';
import type { Drill } from './drill';
import { integrityReport, stakeReport, type IntegrityReport, type StakeReport } from './service-reports';

export interface DrainResult {
  status: 'drained' | 'draining';
  drainedTasks: number;
  remainingTasks: number;
  durationMs: number;
  message: string;
}

/**
 * Stops new speculative tasks and waits for the ones in flight (or joins the drain running).
 * On the virtual clock the clock skips to the moment the drain completes; on the realtime clock
 * it waits up to `waitWallMs` and then answers `draining` while the drain goes on.
 */
export function drainSpeculation(drill: Drill, waitWallMs: number, journal: ActionJournal): Promise<DrainResult> {
  return drill.asInput(() => ({ kind: 'drain' }), () => drainSpeculationNow(drill, waitWallMs, journal));
}

async function drainSpeculationNow(drill: Drill, waitWallMs: number, journal: ActionJournal): Promise<DrainResult> {
  const world = drill.world;
  const alreadyDraining = world.draining;
  const startedMs = alreadyDraining ? world.drainStartedMs : drill.clock.now();
  const drainedTasks = Math.round(world.activeTasks);
  world.startDrain();
  // The entry is written when the answer goes out, after the drain: a replay starts it here.
  noteMoment(drill, journal);
  journal.detail.tasksInFlight = drainedTasks;
  journal.detail.joinedRunningDrain = alreadyDraining;
  const result = (status: 'drained' | 'draining'): DrainResult => ({
    status,
    drainedTasks,
    remainingTasks: status === 'drained' ? 0 : Math.round(world.activeTasks) + world.stuckTasks.length,
    durationMs: drill.clock.now() - startedMs,
    message:
      status === 'drained'
        ? `drained ${drainedTasks} in-flight speculative tasks in ${Math.round((drill.clock.now() - startedMs) / 1000)}s (simulated); new tasks start again while speculation.enabled is true`
        : `still draining after ${Math.round(waitWallMs / 1000)}s; the drain continues in the background (see agenc admin status)`,
  });
  if (drill.clock.mode === 'virtual') {
    // Never hang on simulated time: skip the clock to the moment the drain completes.
    drill.skipUntil(() => !world.draining, 30 * 60_000, 'waiting for drain');
    return result(world.draining ? 'draining' : 'drained');
  }
  const drained = drill.whenDrained().then(() => true);
  const timeout = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), waitWallMs);
    void drained.then(() => clearTimeout(timer));
  });
  return result((await Promise.race([drained, timeout])) ? 'drained' : 'draining');
}

/**
 * Changes runtime config keys, all or nothing: the body is validated whole first
 * (`parseConfigChanges` names the key and what it allows), so a refusal changes nothing.
 */
export function changeConfig(drill: Drill, body: unknown, journal: ActionJournal, by: string): { applied: Record<string, ConfigValue>; previous: Partial<Record<ConfigKey, ConfigValue>> } {
  return drill.asInput(
    () => ({ kind: 'config', body, by }),
    () => {
      const changes = parseConfigChanges(body);
      noteMoment(drill, journal);
      const previous = drill.world.applyConfig(changes, { by });
      const applied = Object.fromEntries(changes);
      journal.detail.changes = applied;
      journal.detail.previous = previous;
      journal.noteHarm(drill.notify({ type: 'config.changed', changes: applied }));
      return { applied, previous };
    },
  );
}

/** Runs GC on every speculation pod; a forced full GC frees retained garbage, a normal one little. */
export function runGc(drill: Drill, force: boolean, journal: ActionJournal): Array<{ pod: string; beforeBytes: number; afterBytes: number }> {
  return drill.asInput(
    () => ({ kind: 'gc', force }),
    () => {
      noteMoment(drill, journal);
      const pods = drill.world.runGc(force);
      journal.detail.force = force;
      journal.noteHarm(drill.notify({ type: 'gc.forced' }));
      return pods;
    },
  );
}

/**
 * Runs an integrity check (or joins the one running) and reports it; `finished` is false when
 * the realtime wait ran out first (the scan goes on, and its result shows in the status).
 */
export function runIntegrityCheck(drill: Drill, full: boolean, waitWallMs: number, journal: ActionJournal): Promise<{ report: IntegrityReport; finished: boolean }> {
  return drill.asInput(() => ({ kind: 'integrity', full }), () => runIntegrityCheckNow(drill, full, waitWallMs, journal));
}

async function runIntegrityCheckNow(drill: Drill, full: boolean, waitWallMs: number, journal: ActionJournal): Promise<{ report: IntegrityReport; finished: boolean }> {
  journal.detail.full = full;
  noteMoment(drill, journal);
  const { scan, result, previousFull } = await drill.checkIntegrity(full, waitWallMs);
  const report = integrityReport(drill, scan, result, previousFull);
  if (result === undefined) return { report, finished: false };
  journal.detail.corruptedRecords = report.corruptedRecords;
  return { report, finished: true };
}

/** Deletes state snapshots older than an age (or, as a dry run, counts them). */
export function clearSnapshots(drill: Drill, olderThanMs: number, dryRun: boolean, journal: ActionJournal): { removed: number; freedBytes: number; dryRun: boolean; remaining: number } {
  return drill.asInput(
    () => ({ kind: 'clear-snapshots', olderThanMs, dryRun }),
    () => {
      if (!dryRun) noteMoment(drill, journal);
      const result = drill.world.clearSnapshots(olderThanMs, dryRun);
      journal.detail.olderThanMs = olderThanMs;
      journal.detail.dryRun = dryRun;
      journal.detail.removed = result.removed;
      if (!dryRun) journal.noteHarm(drill.notify({ type: 'snapshots.cleared', removed: result.removed, olderThanMs }));
      return { ...result, dryRun, remaining: drill.world.snapshotCount() };
    },
  );
}

/** Times out stuck proofs older than an age: they are requeued and their worker slots freed. */
export function timeoutProofs(drill: Drill, olderThanMs: number, journal: ActionJournal): { timedOut: number; olderThanMs: number; stuckRemaining: number } {
  return drill.asInput(
    () => ({ kind: 'timeout-proofs', olderThanMs }),
    () => {
      noteMoment(drill, journal);
      const timedOut = drill.world.timeoutProofs(olderThanMs);
      journal.detail.olderThanMs = olderThanMs;
      journal.detail.timedOut = timedOut;
      journal.noteHarm(drill.notify({ type: 'proofs.timedOut', count: timedOut }));
      return { timedOut, olderThanMs, stuckRemaining: drill.world.stuckProofCount() };
    },
  );
}

/** The validator's stake now; reading it is the runbook's "snapshot the stake" step, so the scenario hears of it. */
export function snapshotStake(drill: Drill, journal: ActionJournal): StakeReport {
  return drill.asInput(
    () => ({ kind: 'stake-status' }),
    () => {
      noteMoment(drill, journal);
      const report = stakeReport(drill);
      journal.detail.stakedTokens = report.stakedTokens;
      journal.noteHarm(drill.notify({ type: 'stake.snapshotted' }));
      return report;
    },
  );
}

import { afterEach, describe, expect, it } from 'vitest';
import { GamedayError } from '../core/gameday-error';
import type { ActionJournal } from './action-journal';
import { Drill } from './drill';
import { changeConfig, clearSnapshots, drainSpeculation, runIntegrityCheck } from './service-actions';
import { changeDeployment, scaleDeployment } from './cluster-actions';
import { advanceClock, pauseClock, setClockSpeed } from './clock-controls';

const drills: Drill[] = [];
afterEach(() => {
  for (const drill of drills.splice(0)) drill.stop();
});

function started(scenario: string, clock: 'virtual' | 'realtime' = 'virtual'): Drill {
  const drill = new Drill({ scenario, seed: 16, clock, speed: 1, difficulty: 'normal' });
  drills.push(drill);
  drill.start();
  return drill;
}

function notes(): ActionJournal & { harm: string[] } {
  const harm: string[] = [];
  return { detail: {}, harm, noteHarm: (why) => void (why !== undefined && harm.push(why)) };
}

describe('the service and cluster actions (issue 14 item 8: what a command does lives in the drill layer)', () => {
  it('changes config all or nothing: a body with one bad key changes no key and notes nothing', () => {
    const drill = started('rollback-storm');
    const before = { ...drill.world.config };
    const refused = notes();
    expect(() => changeConfig(drill, { 'speculation.enabled': false, 'speculation.max_depht': 2 }, refused, 'Ada')).toThrow(GamedayError);
    expect(drill.world.config).toEqual(before);
    expect(refused.detail).toEqual({});

    const journal = notes();
    expect(changeConfig(drill, { 'speculation.enabled': false }, journal, 'Ada')).toEqual({ applied: { 'speculation.enabled': false }, previous: { 'speculation.enabled': true } });
    expect(drill.world.config['speculation.enabled']).toBe(false);
    expect(journal.detail).toEqual({ changes: { 'speculation.enabled': false }, previous: { 'speculation.enabled': true }, startedAtMs: drill.clock.now() });
    expect(drill.world.configHistory.at(-1)).toMatchObject({ by: 'Ada', changes: { 'speculation.enabled': false }, previous: { 'speculation.enabled': true } });
  });

  it('notes the harm the scenario sees in an action', () => {
    const drill = started('memory-exhaustion');
    const journal = notes();
    changeConfig(drill, { 'speculation.max_depth': 6 }, journal, 'Ada');
    expect(journal.harm).toEqual([expect.stringContaining('raised speculation.max_depth') as unknown]);
  });

  it('drains on the virtual clock by skipping to the moment the drain completes', async () => {
    const drill = started('rollback-storm');
    drill.skipTime(10 * 60_000, 'test: load builds up');
    const journal = notes();
    const result = await drainSpeculation(drill, 110_000, journal);
    expect(result).toMatchObject({ status: 'drained', remainingTasks: 0 });
    expect(drill.world.draining).toBe(false);
    expect(journal.detail).toMatchObject({ tasksInFlight: result.drainedTasks, joinedRunningDrain: false });
  });

  it('reports a full integrity check once it has run its 42 simulated seconds', async () => {
    const drill = started('state-corruption');
    const startedMs = drill.clock.now();
    const journal = notes();
    const { report, finished } = await runIntegrityCheck(drill, true, 110_000, journal);
    expect(finished).toBe(true);
    expect(drill.clock.now() - startedMs).toBeGreaterThanOrEqual(42_000);
    expect(journal.detail).toEqual({ full: true, startedAtMs: expect.any(Number) as unknown, corruptedRecords: report.corruptedRecords });
  });

  it('counts snapshots on a dry run and deletes nothing', () => {
    const drill = started('memory-exhaustion');
    drill.skipTime(30 * 60_000, 'test: snapshots pile up');
    const count = drill.world.snapshotCount();
    const journal = notes();
    const dry = clearSnapshots(drill, 60_000, true, journal);
    expect(dry).toMatchObject({ dryRun: true, remaining: count });
    expect(drill.world.snapshotCount()).toBe(count);
    expect(journal.detail).toEqual({ olderThanMs: 60_000, dryRun: true, removed: dry.removed });
  });

  it('scales a deployment and rolls out a new memory limit as a new revision, noting both for scoring', () => {
    const drill = started('memory-exhaustion');
    const cluster = drill.world.cluster;
    const deployment = cluster.deployments.get('speculation-engine') ?? [...cluster.deployments.values()][0]!;
    const scaled = notes();
    scaleDeployment(drill, deployment, deployment.replicas + 1, scaled);
    expect(scaled.detail).toMatchObject({ deployment: deployment.name, replicas: deployment.replicas, previousReplicas: deployment.replicas - 1 });

    const rolled = notes();
    const fromRevision = deployment.replicaSets.reduce((top, replicaSet) => Math.max(top, replicaSet.revision), 0);
    changeDeployment(drill, deployment, { replicas: deployment.replicas, template: { ...deployment.template, memoryLimitBytes: deployment.template.memoryLimitBytes * 2 }, changeCause: undefined }, rolled);
    expect(rolled.detail).toMatchObject({ deployment: deployment.name, fromRevision, revision: fromRevision + 1, rolledBack: false, memoryLimit: expect.stringMatching(/i$/) as unknown });
  });

  it('refuses the realtime clock controls on a virtual clock, and advances any clock', () => {
    const drill = started('rollback-storm');
    expect(() => pauseClock(drill)).toThrow(/the virtual clock only moves when advanced/);
    expect(() => setClockSpeed(drill, 10)).toThrow(/speed applies to the realtime clock/);
    advanceClock(drill, 60_000);
    expect(drill.clock.now()).toBe(60_000);
  });
});

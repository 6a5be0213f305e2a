/**
 * A live drill survives a restart because it is its options plus its inputs: replaying them at
 * their simulated moments rebuilds the same world, journal and trainee record, for every
 * scenario, several seeds and actions at different moments; on the realtime clock too, paused
 * and at another speed. A replay that leaves the recorded world stops there and says what differs.
 */
import { describe, expect, it } from 'vitest';
import { alertNames, findScenario, scenarioIds } from '@gameday/scenarios';
import { Drill, type DrillOptions } from './drill';
import { replayDrill, liveOptions, type InputSink, type RecordedInput } from './drill-inputs';
import { applyIntent } from './responder-intents';
import { acknowledgePage, declareSeverity, joinBridge, sayOnBridge } from './trainee-actions';
import { pauseClock, resumeClock, setClockSpeed } from './clock-controls';
import { changeConfig } from './service-actions';
import { drillState } from './drill-state';
import { worldFingerprint } from './world-fingerprint';
import { idealResponder, isWorldMove } from '../scoring/ideal-responders';
import type { JournalEntry } from '../journal/journal';
import { SqliteDrillStore } from '../storage/sqlite-drill-store';
import { LiveDrillLog, checkpointEvery } from '../storage/live-drill-log';

class MemorySink implements InputSink {
  readonly inputs: RecordedInput[] = [];
  append(input: RecordedInput): void {
    // As the store keeps it: plain data.
    this.inputs.push(JSON.parse(JSON.stringify(input)) as RecordedInput);
  }
  count(): number {
    return this.inputs.length;
  }
  checkpointDue(): boolean {
    return (this.inputs.length + 1) % 4 === 0;
  }
}

/** The journal without the wall stamps of what the world recorded (a replay's are the inputs'). */
const journalOf = (drill: Drill) => drill.journal.list({ limit: 100_000 }).map(({ wallMs: _wall, ...entry }: JournalEntry) => entry);

function rebuild(drill: Drill, inputs: readonly RecordedInput[], options: Partial<DrillOptions> = {}) {
  const result = replayDrill({ ...(liveOptions(drill) as unknown as DrillOptions), ...options }, inputs, { wallNow: () => inputs[inputs.length - 1]!.wallMs });
  return result;
}

/** Plays `scenario` along its ideal path for `minutes`, the responder looking every `stepMs`; the page acknowledged and a severity declared. */
function play(scenario: string, seed: number, stepMs: number, minutes: number): { drill: Drill; sink: MemorySink } {
  const drill = new Drill({ scenario, seed, clock: 'virtual', speed: 1, difficulty: seed % 2 === 0 ? 'hard' : 'normal', trainee: 'Ada' });
  const sink = new MemorySink();
  drill.attachInputs(sink);
  drill.start();
  const responder = idealResponder(scenario);
  const pages = findScenario(scenario)!.spec ? alertNames(findScenario(scenario)!.spec!) : [];
  while (drill.clock.now() < minutes * 60_000) {
    drill.clock.advanceBy(stepMs);
    drill.record({ source: 'admin', action: 'GET /admin/status', outcome: 'accepted', status: 200, detail: { route: '/admin/status' } });
    if (drill.trainee.acknowledged === null && drill.world.alerts.firing().some((alert) => pages.includes(alert))) {
      acknowledgePage(drill, { detail: {}, noteHarm: () => undefined });
      declareSeverity(drill, { severity: drill.expectedSeverity() as 'P1', answers: {} }, { detail: {}, noteHarm: () => undefined });
      if (drill.trainee.bridgeJoinedMs === null) joinBridge(drill, { detail: {}, noteHarm: () => undefined });
    }
    // A line said on the bridge a few minutes after joining, which the people there answer: replayed as said.
    if (drill.trainee.bridgeJoinedMs !== null && drill.trainee.bridgeLines.length === 0 && drill.clock.now() - drill.trainee.bridgeJoinedMs >= 3 * 60_000) {
      sayOnBridge(drill, 'Impact: rollbacks up; done: runbook immediate actions; next: the fix', { detail: {}, noteHarm: () => undefined });
    }
    for (const move of responder?.act(drill) ?? []) if (isWorldMove(move)) applyIntent(drill, move);
  }
  return { drill, sink };
}

describe('replaying a drill from its inputs', () => {
  let bridgeLinesReplayed = 0;
  for (const scenario of scenarioIds) {
    it(`${scenario}: the same world, journal and trainee record for several seeds and moments`, () => {
      for (const [seed, stepMs] of [
        [3, 5_000],
        [41, 7_000],
        [977, 13_000],
      ] as const) {
        const { drill, sink } = play(scenario, seed, stepMs, 25);
        const { drill: rebuilt, divergence } = rebuild(drill, sink.inputs);
        expect(divergence).toBeNull();
        expect(sink.inputs.some((recorded) => recorded.input.kind === 'bridge-say')).toBe(drill.trainee.bridgeLines.length > 0);
        bridgeLinesReplayed += drill.trainee.bridgeLines.length;
        expect(worldFingerprint(rebuilt)).toBe(worldFingerprint(drill));
        expect(drillState(rebuilt)).toEqual(drillState(drill));
        expect(journalOf(rebuilt)).toEqual(journalOf(drill));
        expect(rebuilt.trainee).toEqual(drill.trainee);
        // And it goes on as the original does.
        drill.clock.advanceBy(120_000);
        rebuilt.clock.advanceBy(120_000);
        expect(worldFingerprint(rebuilt)).toBe(worldFingerprint(drill));
        drill.stop();
        rebuilt.stop();
      }
    });
  }

  it('replayed lines said on the bridge in the runs above', () => expect(bridgeLinesReplayed).toBeGreaterThan(5));

  it('a realtime drill: paused, at another speed, skipped and reset, rebuilt at the same moment', () => {
    let wall = 0;
    const drill = new Drill({ scenario: 'rollback-storm', seed: 5, clock: 'realtime', speed: 10, difficulty: 'normal', wallNow: () => wall });
    const sink = new MemorySink();
    drill.attachInputs(sink);
    drill.start();
    const step = (ms: number) => {
      wall += ms;
      drill.clock.catchUp();
    };
    step(30_000);
    drill.skipTime(60_000, 'facilitator advance');
    step(12_345);
    setClockSpeed(drill, 3);
    step(40_000);
    drill.inject('proof-backlog');
    step(20_000);
    drill.reset();
    step(9_000);
    pauseClock(drill);
    step(50_000);
    expect(drill.clock.now()).toBeGreaterThan(0);
    const { drill: rebuilt, divergence } = replayDrill({ ...(liveOptions(drill) as unknown as DrillOptions), wallNow: () => wall }, sink.inputs, { wallNow: () => Date.now() + 3_600_000 });
    expect(divergence).toBeNull();
    // Paused: the hour it was down does not count.
    expect(rebuilt.clock.now()).toBe(drill.clock.now());
    expect(worldFingerprint(rebuilt)).toBe(worldFingerprint(drill));
    expect(journalOf(rebuilt)).toEqual(journalOf(drill));
    resumeClock(drill);
    resumeClock(rebuilt);
    drill.stop();
    rebuilt.stop();
  });

  it('a realtime drill whose wall clock moves while an input is computed (a checkpoint, a slow skip) is rebuilt at the same moments', () => {
    // Every read of the wall is a millisecond later, as on a loaded machine: an input must act at the moment kept for it.
    let wall = 0;
    const drill = new Drill({ scenario: 'rollback-storm', seed: 9, clock: 'realtime', speed: 20, difficulty: 'normal', wallNow: () => (wall += 1) });
    const sink = new MemorySink();
    drill.attachInputs(sink);
    drill.start();
    for (let round = 0; round < 6; round++) {
      wall += 7_000;
      drill.skipTime(60_000, 'facilitator advance');
      wall += 3_000;
      drill.record({ source: 'admin', action: 'GET /api/v1/status', outcome: 'accepted', status: 200 });
    }
    pauseClock(drill);
    const { drill: rebuilt, divergence } = replayDrill({ ...(liveOptions(drill) as unknown as DrillOptions), wallNow: () => wall }, sink.inputs, { wallNow: () => wall });
    expect(divergence).toBeNull();
    expect(rebuilt.clock.now()).toBe(drill.clock.now());
    expect(journalOf(rebuilt)).toEqual(journalOf(drill));
    expect(worldFingerprint(rebuilt)).toBe(worldFingerprint(drill));
    drill.stop();
    rebuilt.stop();
  });

  it('a read between an action and the next tick changes nothing: the world is the same whether or not someone looked', () => {
    // Memory past 75% of its limit, where the readings feed the next tick's memory pressure.
    const make = () => {
      const drill = new Drill({ scenario: 'memory-exhaustion', seed: 3, clock: 'virtual', speed: 1, difficulty: 'normal' });
      drill.start();
      drill.clock.advanceTo(40 * 60_000 + 300);
      changeConfig(drill, { 'speculation.max_depth': 2 }, { detail: {}, noteHarm: () => undefined }, 'test');
      return drill;
    };
    const looked = make();
    const unseen = make();
    // A /metrics scrape or a status read 200 ms after the change, before the next tick.
    looked.clock.advanceTo(40 * 60_000 + 500);
    looked.world.readings();
    for (const drill of [looked, unseen]) drill.clock.advanceTo(40 * 60_000 + 700);
    expect(worldFingerprint(looked)).toBe(worldFingerprint(unseen));
    for (const drill of [looked, unseen]) drill.clock.advanceTo(45 * 60_000);
    expect(worldFingerprint(looked)).toBe(worldFingerprint(unseen));
    expect(drillState(looked)).toEqual(drillState(unseen));
    looked.stop();
    unseen.stop();
  });

  it('a running realtime drill goes on by the wall time it was down', () => {
    const drill = new Drill({ scenario: 'baseline', seed: 8, clock: 'realtime', speed: 2, difficulty: 'normal' });
    const sink = new MemorySink();
    drill.attachInputs(sink);
    drill.start();
    drill.skipTime(10_000, 'facilitator advance');
    drill.stop();
    const last = sink.inputs[sink.inputs.length - 1]!;
    const { drill: rebuilt } = replayDrill(liveOptions(drill) as unknown as DrillOptions, sink.inputs, { wallNow: () => last.wallMs + 30_000 });
    expect(rebuilt.clock.now()).toBe(last.simMs + 10_000 + 60_000);
    rebuilt.stop();
  });

  it('stops at a checkpoint the rebuilt world does not match, and says which part', () => {
    const { drill, sink } = play('memory-exhaustion', 12, 5_000, 10);
    const at = sink.inputs.findIndex((input, index) => index > 8 && input.checkpoint !== undefined);
    expect(at).toBeGreaterThan(0);
    const tampered = sink.inputs.map((input, index) => (index === at ? { ...input, checkpoint: { ...input.checkpoint!, parts: { ...input.checkpoint!.parts, config: 'something else' } } } : input));
    const { drill: rebuilt, divergence, applied } = rebuild(drill, tampered);
    expect(divergence).toMatchObject({ index: at, simMs: sink.inputs[at]!.simMs });
    expect(divergence!.parts).toEqual([expect.stringMatching(/^config: something else → [0-9a-f]{16}$/)]);
    expect(applied).toBe(at);
    // Still readable: its state and journal answer, its clock stands.
    expect(drillState(rebuilt).clock.simMs).toBe(sink.inputs[at]!.simMs);
    drill.stop();
  });

  it('the store keeps the inputs in order, with a checkpoint every few, and ends the log when the drill finishes', () => {
    const store = new SqliteDrillStore(':memory:');
    const drill = new Drill({ scenario: 'proof-backlog', seed: 21, clock: 'virtual', speed: 1, difficulty: 'normal' });
    const log = LiveDrillLog.begin(store, 'solo:9090', drill, { adminToken: 'a' });
    drill.start();
    for (let i = 0; i < 70; i++) {
      drill.clock.advanceBy(3_000);
      drill.record({ source: 'metrics', action: 'GET /metrics', outcome: 'accepted', status: 200 });
    }
    expect(store.liveDrills()).toEqual([expect.objectContaining({ id: log.drillId, slot: 'solo:9090', extra: { adminToken: 'a' } })]);
    const inputs = store.liveInputs(log.drillId);
    expect(inputs).toHaveLength(71);
    expect(inputs.filter((input) => input.checkpoint).length).toBe(Math.floor(71 / checkpointEvery));
    const { drill: rebuilt, divergence } = replayDrill(store.liveDrills()[0]!.options as unknown as DrillOptions, inputs);
    expect(divergence).toBeNull();
    expect(worldFingerprint(rebuilt)).toBe(worldFingerprint(drill));
    drill.record({ source: 'sim', action: 'drill.finished', outcome: 'info', detail: { drillId: 'x' } });
    expect(store.liveDrills()).toEqual([]);
    drill.stop();
    rebuilt.stop();
    store.close();
  });
});

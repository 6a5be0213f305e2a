/**
 * A finished drill rewound to a moment is the world it was live at that moment (the same
 * fingerprint), for several scenarios and seeds, scrubbing forward and back; a branch starts from
 * its origin's world there and its debrief finds where the two parted; a ghost's steps show on a
 * new drill's timeline at the moments it took them.
 */
import { describe, expect, it } from 'vitest';
import { alertNames, findScenario } from '@gameday/scenarios';
import { Drill, type DrillOptions } from '../drill/drill';
import { replayDrill } from '../drill/drill-inputs';
import { applyIntent } from '../drill/responder-intents';
import { acknowledgePage, declareSeverity, joinBridge } from '../drill/trainee-actions';
import { traineeView } from '../drill/trainee-view';
import { worldFingerprint } from '../drill/world-fingerprint';
import { SqliteDrillStore } from '../storage/sqlite-drill-store';
import { LiveDrillLog } from '../storage/live-drill-log';
import { finishDrill } from './drill-debrief';
import { DrillRewinds, branchDrill, firstDifference, ghostDrill, runComparisons } from './drill-rewind';
import { idealResponder, isWorldMove } from './ideal-responders';

const quiet = () => ({ detail: {}, noteHarm: () => undefined });

/** Plays `scenario` along its ideal path for `minutes` with its inputs logged, noting the world's fingerprint every `noteEvery` looks; then finishes it. */
function playAndFinish(store: SqliteDrillStore, scenario: string, seed: number, minutes: number, options: { ranked?: boolean; noteEvery?: number } = {}) {
  const drill = new Drill({ scenario, seed, clock: 'virtual', speed: 1, difficulty: seed % 2 === 0 ? 'hard' : 'normal', trainee: 'Ada', ranked: options.ranked ?? false });
  LiveDrillLog.begin(store, `solo:${scenario}:${seed}`, drill, {});
  drill.start();
  const responder = idealResponder(scenario);
  const pages = findScenario(scenario)!.spec ? alertNames(findScenario(scenario)!.spec!) : [];
  const noted = new Map<number, string>();
  const stepMs = 7_000;
  let steps = 0;
  while (drill.clock.now() < minutes * 60_000) {
    drill.clock.advanceBy(stepMs);
    drill.record({ source: 'admin', action: 'GET /admin/status', outcome: 'accepted', status: 200, detail: { route: '/admin/status' } });
    if (drill.trainee.acknowledged === null && drill.world.alerts.firing().some((alert) => pages.includes(alert))) {
      acknowledgePage(drill, quiet());
      declareSeverity(drill, { severity: drill.expectedSeverity() as 'P1', answers: {} }, quiet());
      if (drill.trainee.bridgeJoinedMs === null) joinBridge(drill, quiet());
    }
    for (const move of responder?.act(drill) ?? []) if (isWorldMove(move)) applyIntent(drill, move);
    if (++steps % (options.noteEvery ?? 10) === 0) noted.set(drill.clock.now(), worldFingerprint(drill));
  }
  const finished = finishDrill(drill, store);
  drill.stop();
  return { finished, noted, drill };
}

describe('rewinding a finished drill', () => {
  for (const [scenario, seed] of [
    ['rollback-storm', 3],
    ['proof-backlog', 41],
    ['memory-exhaustion', 977],
    ['gateway-crashloop', 12],
  ] as const) {
    it(`${scenario} seed ${seed}: each moment replays to the fingerprint recorded live then, scrubbing forward and back`, () => {
      const store = new SqliteDrillStore(':memory:');
      const { finished, noted } = playAndFinish(store, scenario, seed, 30);
      const rewinds = new DrillRewinds(store);
      const moments = [...noted.keys()];
      expect(moments.length).toBeGreaterThan(10);
      for (const simMs of moments) expect(rewinds.at(finished, simMs).fingerprint).toBe(noted.get(simMs));
      // Back to an earlier moment: replayed from the start again.
      const early = moments[2]!;
      const view = rewinds.at(finished, early);
      expect(view.fingerprint).toBe(noted.get(early));
      expect(view.view.clock.simMs).toBe(early);
      expect(view.series.every((sample) => sample.simMs <= early)).toBe(true);
      expect(view.view.timeline.every((item) => item.simMs <= early)).toBe(true);
      store.close();
    });
  }

  it("a game-day's drill: its session's joins change nothing, its facilitator's pause holds the clock; it cannot be branched", () => {
    const store = new SqliteDrillStore(':memory:');
    const drill = new Drill({ scenario: 'proof-backlog', seed: 9, clock: 'virtual', speed: 1, difficulty: 'normal' });
    LiveDrillLog.begin(store, 'session:ABC123', drill, {});
    drill.asInput(() => ({ kind: 'session', action: 'join', args: { name: 'Ada' } }), () => undefined);
    drill.start();
    drill.clock.advanceBy(120_000);
    drill.asInput(() => ({ kind: 'session', action: 'pause', args: {} }), () => drill.clock.pause());
    drill.asInput(() => ({ kind: 'session', action: 'resume', args: {} }), () => drill.clock.resume());
    drill.clock.advanceBy(60_000);
    const before = worldFingerprint(drill);
    drill.clock.advanceBy(1_000);
    const finished = finishDrill(drill, store);
    drill.stop();
    const rewinds = new DrillRewinds(store);
    expect(rewinds.at(finished, 180_000).fingerprint).toBe(before);
    expect(() => branchDrill(store, rewinds, finished, 60_000)).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    store.close();
  });

  it('refuses a moment outside 0..duration, naming the field and the range', () => {
    const store = new SqliteDrillStore(':memory:');
    const { finished } = playAndFinish(store, 'baseline', 5, 3);
    const rewinds = new DrillRewinds(store);
    for (const bad of [-1, finished.durationMs + 1, 1.5, Number.NaN]) {
      expect(() => rewinds.at(finished, bad)).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER', field: 'simMs', allowed: [`0..${finished.durationMs}`] }));
    }
    store.close();
  });

  it('a 60-minute drill opens cold at its end, then scrubs forward cheaply', () => {
    const store = new SqliteDrillStore(':memory:');
    const { finished } = playAndFinish(store, 'rollback-storm', 8, 60);
    const rewinds = new DrillRewinds(store);
    let started = performance.now();
    rewinds.at(finished, 50 * 60_000);
    const coldMs = performance.now() - started;
    started = performance.now();
    for (let minute = 51; minute <= 60; minute++) rewinds.at(finished, Math.min(finished.durationMs, minute * 60_000));
    const scrubMs = (performance.now() - started) / 10;
    started = performance.now();
    new DrillRewinds(store).at(finished, finished.durationMs);
    const wholeMs = performance.now() - started;
    process.stdout.write(`rewind of a 60-min drill: cold open at 50 min ${coldMs.toFixed(0)} ms, at its end ${wholeMs.toFixed(0)} ms; each 1-min scrub forward ${scrubMs.toFixed(1)} ms\n`);
    expect(scrubMs).toBeLessThan(coldMs);
    store.close();
  });
});

describe('branching a finished drill', () => {
  it('starts from the origin world at the moment, goes on, and its debrief finds where the two parted', () => {
    const store = new SqliteDrillStore(':memory:');
    const { finished: origin, noted } = playAndFinish(store, 'rollback-storm', 3, 20);
    const rewinds = new DrillRewinds(store);
    const atMs = [...noted.keys()][3]!;
    const branch = branchDrill(store, rewinds, origin, atMs);
    expect(worldFingerprint(branch)).toBe(noted.get(atMs));
    expect(branch.options.branchOf).toEqual({ drillId: origin.id, atMs });
    expect(branch.options.ranked).toBe(false);
    // Its log begins with the origin's inputs up to the moment.
    const log = LiveDrillLog.begin(store, 'solo:branch', branch, {});
    const inherited = store.liveInputs(log.drillId);
    expect(inherited.length).toBeGreaterThan(5);
    expect(inherited.every((input) => input.simMs <= atMs)).toBe(true);
    // The trainee does something else from here: a drain at once.
    branch.clock.advanceBy(5_000);
    branch.record({ source: 'admin', action: 'POST /admin/speculation/drain', outcome: 'accepted', status: 200 });
    branch.clock.advanceBy(60_000);
    // Rebuilt from its own log (a restart), the branch is the same world.
    const record = store.liveDrills().find((live) => live.id === log.drillId)!;
    const { drill: rebuilt, divergence } = replayDrill(record.options as unknown as DrillOptions, store.liveInputs(log.drillId));
    expect(divergence).toBeNull();
    // A virtual clock stands at the last input's moment: moved on to the branch's.
    rebuilt.clock.advanceTo(branch.clock.now());
    expect(worldFingerprint(rebuilt)).toBe(worldFingerprint(branch));
    rebuilt.stop();
    const finished = finishDrill(branch, store);
    branch.stop();
    const { branch: comparison, ghost } = runComparisons(store, finished);
    expect(ghost).toBeNull();
    expect(comparison).toMatchObject({ atMs, origin: { drillId: origin.id }, branch: { drillId: finished.id } });
    expect(comparison!.firstDifference!.simMs).toBeGreaterThan(atMs);
    expect(comparison!.firstDifference!.branch).toBe('POST /admin/speculation/drain');
    expect(Object.keys(comparison!.impactDelta)).toEqual(Object.keys(origin.impact));
    store.close();
  });

  it('refuses a moment at or after the resolution and changes nothing', () => {
    const store = new SqliteDrillStore(':memory:');
    const { finished } = playAndFinish(store, 'baseline', 5, 3);
    const before = store.liveDrills().length;
    expect(() => branchDrill(store, new DrillRewinds(store), finished, finished.durationMs)).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER', field: 'atMs' }));
    expect(store.liveDrills().length).toBe(before);
    store.close();
  });

  it('finds the first input where two runs differ, ignoring wall stamps', () => {
    const a = [{ simMs: 0, wallMs: 1, input: { kind: 'start' as const } }, { simMs: 5, wallMs: 2, input: { kind: 'drain' as const } }];
    const b = [{ simMs: 0, wallMs: 9, input: { kind: 'start' as const } }, { simMs: 5, wallMs: 9, input: { kind: 'gc' as const, force: false } }];
    expect(firstDifference(a, b)).toEqual({ index: 1, simMs: 5, a: 'drain', b: 'gc' });
    expect(firstDifference(a, a)).toBeNull();
    expect(firstDifference(a, a.slice(0, 1))).toEqual({ index: 1, simMs: 5, a: 'drain', b: null });
  });
});

describe('racing a ghost', () => {
  it("puts the best run's steps on the timeline at the moments it took them, never into the world", () => {
    const store = new SqliteDrillStore(':memory:');
    const { finished: best } = playAndFinish(store, 'proof-backlog', 21, 20, { ranked: true });
    const query = { scenario: 'proof-backlog', difficulty: best.difficulty };
    const racer = ghostDrill(store, query, { trainee: 'Bea' })!;
    expect(racer.options.ghost).toMatchObject({ drillId: best.id, trainee: 'Ada' });
    expect(racer.options.seed).toBe(21);
    const steps = racer.options.ghost!.steps;
    expect(steps.length).toBeGreaterThan(2);
    racer.start();
    const lone = new Drill({ ...racer.options, ghost: undefined });
    lone.start();
    const middle = steps[Math.floor(steps.length / 2)]!.simMs;
    racer.clock.advanceTo(middle);
    lone.clock.advanceTo(middle);
    const ghostItems = traineeView(racer).timeline.filter((item) => item.who === 'ghost');
    expect(ghostItems.map((item) => [item.simMs, item.what])).toEqual(steps.filter((step) => step.simMs <= middle).map((step) => [step.simMs, step.what]));
    expect(ghostItems.every((item) => item.by === 'Ada')).toBe(true);
    // The ghost acted on its own world, not this one.
    expect(worldFingerprint(racer)).toBe(worldFingerprint(lone));
    LiveDrillLog.begin(store, 'solo:race', racer, {});
    const mine = finishDrill(racer, store);
    const { ghost } = runComparisons(store, mine);
    expect(ghost).toMatchObject({ ghost: { drillId: best.id, trainee: 'Ada' }, yours: { drillId: mine.id, trainee: 'Bea' } });
    expect(ghost!.ghost.path.length).toBeGreaterThan(0);
    racer.stop();
    lone.stop();
    expect(ghostDrill(store, { scenario: 'rollback-storm', difficulty: 'normal' }, {})).toBeUndefined();
    store.close();
  });
});

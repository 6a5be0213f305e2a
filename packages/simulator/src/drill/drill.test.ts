import { afterEach, describe, expect, it } from 'vitest';
import { testWallClock } from '../clock/test-wall-clock';
import { Drill } from './drill';

const drills: Drill[] = [];
afterEach(() => {
  for (const drill of drills.splice(0)) drill.stop();
});

function storm(clock: 'virtual' | 'realtime', wallNow?: () => number): Drill {
  const drill = new Drill({ scenario: 'rollback-storm', seed: 16, clock, speed: 1, difficulty: 'normal', wallNow });
  drills.push(drill);
  drill.start();
  return drill;
}

/** The world as a responder sees it, and what happened in it when. */
function worldAt(drill: Drill): string {
  return JSON.stringify({
    simMs: drill.clock.now(),
    phase: drill.phase(),
    readings: drill.world.readings(),
    config: drill.world.config,
    pods: drill.world.cluster.pods.map((pod) => [pod.name, pod.status, pod.restarts]),
    events: drill.journal.list({ source: 'world' }).map((entry) => [entry.simMs, entry.action, entry.detail]),
  });
}

describe('Drill time (issue 16)', () => {
  it('a realtime drill skipped, paused, sped up and slowed down is the same world as a virtual one given the same inputs at the same simulated moments', () => {
    const wall = testWallClock();
    const live = storm('realtime', wall.now);
    const replay = storm('virtual');
    const disableAt: number[] = [];

    wall.pass(30_000);
    live.clock.catchUp();
    live.skipUntil(() => live.world.alerts.firing().length > 0, 60 * 60_000, 'trainee fast-forward');
    live.clock.setSpeed(20);
    wall.pass(3000);
    live.clock.pause();
    wall.pass(60_000);
    live.skipTime(30_000, 'facilitator advance');
    live.clock.resume();
    wall.pass(250);
    live.clock.catchUp();
    disableAt.push(live.clock.now());
    live.world.applyConfig([['speculation.enabled', false]]);
    live.clock.setSpeed(1);
    wall.pass(90_000);
    live.clock.catchUp();

    // The same input at the same simulated moment, on the virtual clock.
    replay.clock.advanceTo(disableAt[0]!);
    replay.world.applyConfig([['speculation.enabled', false]]);
    replay.clock.advanceTo(live.clock.now());

    expect(live.world.alerts.firing().length + live.journal.list({ source: 'world' }).filter((entry) => entry.action === 'alert.resolved').length).toBeGreaterThan(0);
    expect(worldAt(live)).toBe(worldAt(replay));
  });

  it('journals a skip from where the clock stood when it was asked to where it stopped', () => {
    const wall = testWallClock();
    const live = storm('realtime', wall.now);
    wall.pass(2000);
    live.skipTime(60_000, 'facilitator advance');
    expect(live.journal.list().find((entry) => entry.action === 'clock.skip')).toMatchObject({ simMs: 62_000, detail: { fromMs: 2000, toMs: 62_000, ms: 60_000 } });
    wall.pass(500);
    expect(live.skipUntil(() => live.clock.now() >= 70_000, 60_000, 'waiting')).toBe(true);
    expect(live.journal.list().filter((entry) => entry.action === 'clock.skip').at(-1)).toMatchObject({ detail: { fromMs: 62_500, toMs: 70_500, ms: 8000 } });
  });
});

describe('Drill epoch and integrity checks (issue 14)', () => {
  it("takes its epoch from the seed, not the machine's clock, and keeps it across a reset", () => {
    const drill = storm('virtual');
    const again = storm('virtual');
    expect(drill.epochMs).toBe(again.epochMs);
    expect(drill.simDate(0).getUTCFullYear()).toBe(2025);
    drill.reset();
    expect(drill.epochMs).toBe(again.epochMs);
    const chosen = new Drill({ scenario: 'baseline', seed: 16, clock: 'virtual', speed: 1, difficulty: 'normal', epochMs: Date.UTC(2025, 5, 2, 13, 0) });
    drills.push(chosen);
    expect(chosen.simDate(60_000).toISOString()).toBe('2025-06-02T13:01:00.000Z');
  });

  it('a request waiting for an integrity check on the realtime clock is answered at once when the drill is reset', async () => {
    const wall = testWallClock();
    const drill = storm('realtime', wall.now);
    const waiting = drill.checkIntegrity(true, 60_000);
    drill.reset();
    const { result, scan } = await waiting;
    expect(scan.full).toBe(true);
    expect(result).toBeUndefined();
  });
});

/**
 * The finished-drill routes that replay: a rewind to a moment, a branch from it, the ghost to
 * race. The token guards them as it guards the debrief; a bad moment is a coded 400 naming the
 * field and the range, and a refused request changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { LiveDrillLog } from '../../storage/live-drill-log';
import { worldFingerprint as fingerprintOf } from '../../drill/world-fingerprint';
import { adminAuth, useTestServer, worldFingerprint as worldOf } from '../test-server';

const t = useTestServer({ scenario: 'rollback-storm', seed: 12, difficulty: 'normal', trainee: 'Ada', ranked: true });

const post = (url: string, body?: unknown, headers: Record<string, string> = adminAuth) =>
  t.server.inject({ method: 'POST', url, headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' }, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) });
const get = (url: string, headers: Record<string, string> = adminAuth) => t.server.inject({ method: 'GET', url, headers });

/** Logs the server's drills' inputs as `gameday serve` does, plays a few minutes past the page, and resolves. */
async function finishedDrill(): Promise<{ id: string; durationMs: number; fingerprints: Map<number, string> }> {
  let log = LiveDrillLog.begin(t.server.store, 'solo:test', t.drill, {});
  t.slot.onReplace = (next) => {
    log.end('replaced');
    log = LiveDrillLog.begin(t.server.store, 'solo:test', next, {});
  };
  const fingerprints = new Map<number, string>();
  for (let i = 0; i < 3600 && t.drill.world.alerts.firing().length === 0; i++) t.drill.clock.advanceBy(1000);
  expect((await post('/trainer/acknowledge')).statusCode).toBe(200);
  for (let minute = 0; minute < 6; minute++) {
    t.drill.clock.advanceBy(60_000);
    fingerprints.set(t.drill.clock.now(), fingerprintOf(t.drill));
  }
  // A moment after the last noted: the moment of the resolution holds the declaration too.
  t.drill.clock.advanceBy(1000);
  const declared = await post('/trainer/declare', { state: 'resolved' });
  expect(declared.statusCode).toBe(200);
  const id = declared.json<{ drillId: string }>().drillId;
  return { id, durationMs: t.server.store.get(id)!.durationMs, fingerprints };
}

describe('rewinding a finished drill over HTTP', () => {
  it('answers the drill page at a moment: the world then, its series and timeline up to then', async () => {
    const { id, fingerprints } = await finishedDrill();
    for (const [simMs, fingerprint] of fingerprints) {
      const response = await get(`/trainer/drills/${id}/at/${simMs}`);
      expect(response.statusCode).toBe(200);
      const body = response.json<{ simMs: number; fingerprint: string; view: { clock: { simMs: number }; pods: unknown[]; alerts: unknown[]; timeline: Array<{ simMs: number }> }; series: Array<{ simMs: number }> }>();
      expect(body).toMatchObject({ simMs, fingerprint, view: { clock: { simMs } } });
      expect(body.view.pods.length).toBeGreaterThan(0);
      expect(body.series.at(-1)!.simMs).toBeLessThanOrEqual(simMs);
      expect(body.view.timeline.every((item) => item.simMs <= simMs)).toBe(true);
    }
  });

  it('needs a token, and refuses a moment outside 0..duration naming the field and the range', async () => {
    const { id, durationMs } = await finishedDrill();
    expect((await get(`/trainer/drills/${id}/at/0`, {})).statusCode).toBe(401);
    for (const bad of [String(durationMs + 1), '-5', 'soon', '1.5']) {
      const response = await get(`/trainer/drills/${id}/at/${bad}`);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error: 'INVALID_PARAMETER', field: 'simMs', message: expect.stringContaining(`from 0 to ${durationMs}`) as unknown });
    }
    expect((await get('/trainer/drills/nope/at/0')).statusCode).toBe(404);
  });
});

describe('branching over HTTP', () => {
  it("starts a practice drill at the origin's world, whose debrief compares the two", async () => {
    const { id, fingerprints } = await finishedDrill();
    const [atMs, fingerprint] = [...fingerprints][1]!;
    expect((await post(`/trainer/drills/${id}/branch`, { atMs }, {})).statusCode).toBe(401);
    const branched = await post(`/trainer/drills/${id}/branch`, { atMs });
    expect(branched.statusCode).toBe(200);
    expect(branched.json()).toEqual({ branchOf: id, atMs, fingerprint });
    expect(t.slot.current.options.branchOf).toEqual({ drillId: id, atMs });
    t.slot.current.clock.advanceBy(30_000);
    expect((await post('/trainer/gc', {})).statusCode).toBeLessThan(500);
    const declared = await post('/trainer/declare', { state: 'resolved' });
    expect(declared.statusCode).toBe(200);
    const debrief = (await get(`/trainer/drills/${declared.json<{ drillId: string }>().drillId}`)).json<{ comparisons: { branch: { atMs: number; origin: { drillId: string }; firstDifference: { simMs: number } | null } } }>();
    expect(debrief.comparisons.branch).toMatchObject({ atMs, origin: { drillId: id } });
    expect(debrief.comparisons.branch.firstDifference!.simMs).toBeGreaterThanOrEqual(atMs);
  });

  it('a refused branch changes nothing', async () => {
    const { id, durationMs } = await finishedDrill();
    const drill = t.slot.current;
    // The world only: each refused request is journaled, as every request is.
    const before = worldOf(drill);
    const liveBefore = t.server.store.liveDrills();
    for (const atMs of [-1, durationMs, 2.5]) {
      const response = await post(`/trainer/drills/${id}/branch`, { atMs });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error: 'INVALID_PARAMETER', field: 'atMs' });
    }
    expect((await post(`/trainer/drills/${id}/branch`, { atMs: 0, extra: 1 })).statusCode).toBe(400);
    expect(t.slot.current).toBe(drill);
    expect(worldOf(drill)).toBe(before);
    expect(t.server.store.liveDrills()).toEqual(liveBefore);
  });
});

describe('racing the ghost over HTTP', () => {
  it('finds the best run and starts a drill racing it; none to race is a 409', async () => {
    expect((await get('/trainer/ghost?scenario=rollback-storm&difficulty=normal')).json()).toEqual({ ghost: null });
    expect((await post('/trainer/drills', { trainee: 'Bea', scenario: 'rollback-storm', difficulty: 'normal', ghost: true })).statusCode).toBe(409);
    const { id } = await finishedDrill();
    expect((await get('/trainer/ghost?scenario=rollback-storm&difficulty=normal', {})).statusCode).toBe(401);
    expect((await get('/trainer/ghost?scenario=rollback-storm&difficulty=normal&seed=12')).json()).toMatchObject({ ghost: { drillId: id, trainee: 'Ada', seed: 12 } });
    expect((await get('/trainer/ghost?scenario=rollback-storm&difficulty=normal&seed=13')).json()).toEqual({ ghost: null });
    const started = await post('/trainer/drills', { trainee: 'Bea', scenario: 'rollback-storm', difficulty: 'normal', ghost: true });
    expect(started.statusCode).toBe(200);
    expect(started.json()).toMatchObject({ trainee: 'Bea', ghost: { drillId: id, trainee: 'Ada' } });
    expect(t.slot.current.options).toMatchObject({ seed: 12, ranked: false, ghost: { drillId: id } });
    // The view carries both scores so far at the last whole minute: the ghost's from its own run, replayed.
    t.slot.current.clock.advanceBy(90_000);
    const view = (await get('/trainer/state')).json<{ ghost: { soFar: { atMs: number; ghost: number | null; yours: number | null } } }>();
    expect(view.ghost.soFar).toEqual({ atMs: 60_000, ghost: t.server.raceScores.ghostAt(id, 60_000), yours: expect.any(Number) as unknown });
    expect(view.ghost.soFar.ghost).toEqual(expect.any(Number));
  });
});

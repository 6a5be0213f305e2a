import { describe, expect, it } from 'vitest';
import { testWallClock } from '../../clock/test-wall-clock';
import { adminAuth, facilitatorAuth, useTestServer, worldFingerprint } from '../test-server';

const t = useTestServer();

const post = (url: string, payload?: unknown, headers: Record<string, string> = facilitatorAuth) =>
  t.server.inject({ method: 'POST', url, headers: payload === undefined ? headers : { ...headers, 'content-type': 'application/json' }, ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }) });

describe('/_sim control', () => {
  it('refuses the admin token: control needs the facilitator token', async () => {
    const response = await t.server.inject({ method: 'GET', url: '/_sim/state', headers: adminAuth });
    expect(response.statusCode).toBe(401);
    expect(response.json<{ message: string }>().message).toContain('FACILITATOR_TOKEN');
  });

  it('reports scenario, phase, clock and alerts', async () => {
    const state = (await t.server.inject({ method: 'GET', url: '/_sim/state', headers: facilitatorAuth })).json<unknown>();
    expect(state).toMatchObject({ scenario: { id: 'baseline' }, phase: 'healthy', clock: { mode: 'virtual', simMs: 0 }, firingAlerts: [] });
  });

  it('reports the expected severity with its reasons, and the peak of an incident variant', async () => {
    const calm = (await t.server.inject({ method: 'GET', url: '/_sim/state', headers: facilitatorAuth })).json<{ expectedSeverity: { severity: string; reasons: string[] }; peakSeverity: unknown }>();
    expect(calm.expectedSeverity.severity).toBe('P4');
    expect(calm.peakSeverity).toBeNull();
    await t.replace({ scenario: 'state-corruption', seed: 5 });
    await post('/_sim/clock/advance', { ms: 20 * 60_000 });
    const state = (await t.server.inject({ method: 'GET', url: '/_sim/state', headers: facilitatorAuth })).json<{
      scenario: { id: string };
      phase: string;
      firingAlerts: string[];
      expectedSeverity: { severity: string; reasons: string[] };
      peakSeverity: { severity: string };
    }>();
    expect(state.scenario.id).toBe('state-corruption');
    expect(state.phase).toBe('critical');
    expect(state.firingAlerts).toContain('SpeculationStateCorruption');
    expect(state.expectedSeverity).toMatchObject({ severity: 'P1' });
    expect(state.expectedSeverity.reasons[0]).toBe('user data is at risk of corruption (P1)');
    expect(state.peakSeverity.severity).toBe('P1');
  });

  it('advances the virtual clock, stepping the world every simulated second', async () => {
    const response = await post('/_sim/clock/advance', { ms: 90_000 });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ clock: { simMs: 90_000 } });
    expect(t.drill.world.history.reduce((sum, minute) => sum + minute.completed, 0)).toBeGreaterThan(20_000);
    expect(t.drill.journal.list().some((entry) => entry.action === 'clock.skip' && entry.detail?.ms === 90_000)).toBe(true);
  });

  it.each<[Record<string, unknown>, string]>([
    [{ ms: 0 }, 'ms'],
    [{ ms: 'soon' }, 'ms'],
    [{}, 'ms'],
    [{ ms: 1000, extra: 1 }, 'extra'],
  ])('rejects advance %j naming the field %s, leaving time where it was', async (body, field) => {
    const before = worldFingerprint(t.drill);
    const response = await post('/_sim/clock/advance', body);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ field });
    expect(worldFingerprint(t.drill)).toBe(before);
  });

  it('says why pause and speed do not apply to the virtual clock', async () => {
    const response = await post('/_sim/clock/pause');
    expect(response.statusCode).toBe(409);
    expect(response.json<{ message: string }>().message).toContain('virtual clock');
  });

  it('pauses and resumes a realtime clock', async () => {
    await t.replace({ clock: 'realtime', speed: 100 });
    const paused = await post('/_sim/clock/pause');
    expect(paused.json()).toMatchObject({ clock: { paused: true } });
    const at = t.drill.clock.now();
    await new Promise((resolve) => setTimeout(resolve, 150));
    t.drill.clock.catchUp();
    expect(t.drill.clock.now()).toBe(at);
    expect((await post('/_sim/clock/resume')).json()).toMatchObject({ clock: { paused: false } });
    expect((await post('/_sim/clock/speed', { speed: 10 })).json()).toMatchObject({ clock: { speed: 10 } });
  });

  it('resets to a fresh world and journal', async () => {
    await t.server.inject({ method: 'POST', url: '/admin/config', headers: { ...adminAuth, 'content-type': 'application/json' }, payload: '{"speculation.enabled": false}' });
    await post('/_sim/clock/advance', { ms: 10_000 });
    const response = await post('/_sim/reset');
    expect(response.json()).toMatchObject({ clock: { simMs: 0 }, config: { 'speculation.enabled': true } });
    expect(t.drill.journal.list().map((entry) => entry.action)).toContain('drill.reset');
  });

  it('serves the journal in order with counters, filtered by seq and source', async () => {
    await t.server.inject({ method: 'GET', url: '/metrics' });
    await post('/_sim/clock/advance', { ms: 1000 });
    const all = (await t.server.inject({ method: 'GET', url: '/_sim/journal', headers: facilitatorAuth })).json<{ entries: Array<{ seq: number; source: string }>; counters: { total: number } }>();
    expect(all.entries.map((entry) => entry.seq)).toEqual([...all.entries.map((entry) => entry.seq)].sort((a, b) => a - b));
    expect(all.counters.total).toBe(all.entries.length);
    const metricsOnly = (await t.server.inject({ method: 'GET', url: '/_sim/journal?source=metrics', headers: facilitatorAuth })).json<{ entries: Array<{ source: string }> }>();
    expect(metricsOnly.entries).toHaveLength(1);
    const bad = await t.server.inject({ method: 'GET', url: '/_sim/journal?source=nope', headers: facilitatorAuth });
    expect(bad.statusCode).toBe(400);
    const rejection = bad.json<{ field: string; allowed: string[] }>();
    expect(rejection.field).toBe('source');
    expect(rejection.allowed).toEqual(expect.arrayContaining<string>(['admin', 'kube']));
  });

  it('injects a second incident into the running drill, and refuses what cannot be injected without changing anything', async () => {
    await t.replace({ scenario: 'rollback-storm', seed: 8 });
    const before = worldFingerprint(t.drill);
    for (const [body, status] of [[{ scenario: 'baseline' }, 400], [{ scenario: 'rollback-storm' }, 409], [{}, 400], [{ scenario: 'memory-exhaustion', extra: 1 }, 400]] as const) {
      expect((await post('/_sim/inject', body)).statusCode).toBe(status);
    }
    expect(worldFingerprint(t.drill)).toBe(before);
    expect(t.drill.faults).toHaveLength(0);
    const state = (await post('/_sim/inject', { scenario: 'memory-exhaustion' })).json<{ faults: string[] }>();
    expect(state.faults).toEqual(['memory-exhaustion']);
    await post('/_sim/clock/advance', { ms: 30 * 60_000 });
    // The injected leak drives the world: speculation pods fill until they are OOMKilled (a restarted pod starts empty).
    expect(t.drill.world.cluster.podsOf('speculation-engine').some((pod) => pod.lastTerminationReason === 'OOMKilled')).toBe(true);
    expect(t.drill.journal.list().some((entry) => entry.action === 'fault.injected')).toBe(true);
  });
});

describe('/_sim clock controls on the realtime clock (issue 16)', () => {
  const simMs = async () => (await t.server.inject({ method: 'GET', url: '/_sim/state', headers: facilitatorAuth })).json<{ clock: { simMs: number } }>().clock.simMs;

  it('after an advance the drill goes on at its speed from the new moment, and the next action is journaled then', async () => {
    const wall = testWallClock();
    await t.replace({ clock: 'realtime', speed: 20, wallNow: wall.now });
    wall.pass(1000);
    expect((await post('/_sim/clock/advance', { ms: 5 * 60_000 })).json()).toMatchObject({ clock: { simMs: 320_000 } });
    expect(t.drill.journal.list().find((entry) => entry.action === 'clock.skip')).toMatchObject({ simMs: 320_000, detail: { fromMs: 20_000, toMs: 320_000 } });
    wall.pass(100);
    expect(await simMs()).toBe(322_000);
    wall.pass(900);
    await t.server.inject({ method: 'GET', url: '/admin/status', headers: adminAuth });
    expect(t.drill.journal.list().find((entry) => entry.action === 'GET /admin/status')).toMatchObject({ simMs: 340_000 });
    // The world kept ticking once per simulated second: its minute history reaches the present.
    expect(t.drill.world.history.at(-1)?.minuteMs).toBe(300_000);
  });

  it('pause, resume and speed changes after an advance keep time going forward from where it stands', async () => {
    const wall = testWallClock();
    await t.replace({ clock: 'realtime', speed: 1, wallNow: wall.now });
    await post('/_sim/clock/advance', { ms: 5 * 60_000 });
    wall.pass(500);
    expect((await post('/_sim/clock/speed', { speed: 20 })).json()).toMatchObject({ clock: { simMs: 300_500, speed: 20 } });
    wall.pass(100);
    expect(await simMs()).toBe(302_500);
    expect((await post('/_sim/clock/pause')).json()).toMatchObject({ clock: { simMs: 302_500, paused: true } });
    wall.pass(5000);
    expect((await post('/_sim/clock/advance', { ms: 60_000 })).json()).toMatchObject({ clock: { simMs: 362_500, paused: true } });
    wall.pass(1000);
    expect(await simMs()).toBe(362_500);
    expect((await post('/_sim/clock/resume')).json()).toMatchObject({ clock: { simMs: 362_500, paused: false } });
    wall.pass(100);
    expect(await simMs()).toBe(364_500);
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import { testWallClock } from '../../clock/test-wall-clock';
import { adminAuth, useTestServer, worldFingerprint } from '../test-server';

const t = useTestServer();
beforeEach(() => {
  t.drill.skipTime(60_000, 'warm up');
});

const get = (url: string, headers: Record<string, string> = adminAuth) => t.server.inject({ method: 'GET', url, headers });
const post = (url: string, payload?: unknown, headers: Record<string, string> = adminAuth) =>
  t.server.inject({ method: 'POST', url, headers: payload === undefined ? headers : { ...headers, 'content-type': 'application/json' }, ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }) });

describe('POST /admin/speculation/drain (virtual clock)', () => {
  it('skips the clock to the moment the drain completes and journals the skip', async () => {
    const before = t.drill.clock.now();
    const response = await post('/admin/speculation/drain');
    expect(response.statusCode).toBe(200);
    const body = response.json<{ status: string; drainedTasks: number; durationMs: number }>();
    expect(body.status).toBe('drained');
    expect(body.drainedTasks).toBeGreaterThan(100);
    expect(body.durationMs).toBeGreaterThan(0);
    expect(t.drill.clock.now() - before).toBe(body.durationMs);
    const actions = t.drill.journal.list().map((entry) => entry.action);
    expect(actions).toContain('clock.skip');
    expect(actions).toContain('drain.completed');
    expect(actions.indexOf('clock.skip')).toBeLessThan(actions.lastIndexOf('POST /admin/speculation/drain'));
  });

  it('requires the admin token and rejects a bad wait', async () => {
    expect((await post('/admin/speculation/drain', undefined, {})).statusCode).toBe(401);
    const before = worldFingerprint(t.drill);
    const response = await post('/admin/speculation/drain?wait_s=9999');
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'INVALID_PARAMETER', field: 'wait_s' });
    expect(worldFingerprint(t.drill)).toBe(before);
  });
});

describe('POST /admin/speculation/drain (realtime clock)', () => {
  it('answers 200 once drained, and 202 with what remains when the wait runs out first', async () => {
    await t.replace({ clock: 'realtime', speed: 50 });
    t.drill.skipTime(10_000, 'warm up');
    const waitedOut = await post('/admin/speculation/drain?wait_s=0');
    expect(waitedOut.statusCode, waitedOut.body).toBe(202);
    expect(waitedOut.json()).toMatchObject({ status: 'draining', message: expect.stringContaining('continues in the background') as unknown });
    const drained = await post('/admin/speculation/drain?wait_s=30');
    expect(drained.statusCode).toBe(200);
    expect(drained.json()).toMatchObject({ status: 'drained', remainingTasks: 0 });
    expect(t.drill.journal.list().filter((entry) => entry.action === 'POST /admin/speculation/drain').map((entry) => entry.detail?.joinedRunningDrain)).toEqual([false, true]);
  });

  // issue 16: after a fast-forward the clock stood still for as long as it had skipped, so a
  // drain at ×20 hung 15 s more than its own few simulated seconds.
  it('after a 5-minute skip answers once its own simulated duration has passed on the wall', async () => {
    const wall = testWallClock();
    await t.replace({ clock: 'realtime', speed: 20, wallNow: wall.now });
    t.drill.skipTime(5 * 60_000, 'trainee fast-forward');
    let settled = false;
    const answer = post('/admin/speculation/drain?wait_s=30').then((response) => {
      settled = true;
      return response;
    });
    const stepMs = 50;
    let passedMs = 0;
    // At most 20 wall seconds of 50 ms steps: the frozen clock needed 15 s before the drain even began.
    for (let step = 0; step < 400 && !settled; step++) {
      wall.pass(stepMs);
      passedMs += stepMs;
      t.drill.clock.catchUp();
      await new Promise((resolve) => setImmediate(resolve));
    }
    const body = (await answer).json<{ status: string; durationMs: number }>();
    expect(body.status).toBe('drained');
    expect(body.durationMs).toBeGreaterThan(0);
    expect(passedMs).toBeGreaterThanOrEqual(body.durationMs / 20);
    expect(passedMs).toBeLessThanOrEqual(body.durationMs / 20 + 3 * stepMs);
  });
});

describe('POST /admin/check-integrity (issue 14: a scan takes its time, and only it knows the scope)', () => {
  type Integrity = { status: string; full: boolean; corruptedRecords: number; recordsScanned: number; durationMs: number; affectedShards: number[]; finishedAt: string | null };
  type Status = { integrity: { lastFullCheck: { corruptedRecords: number } | null; running: { full: boolean } | null; failedScans: number } };

  it('a full check runs for 42 simulated seconds (the clock skips there) and then reports every corrupt record', async () => {
    await t.replace({ scenario: 'state-corruption', seed: 3 });
    t.drill.skipTime(20 * 60_000, 'let it corrupt');
    expect(t.drill.world.corruptedRecords).toBeGreaterThan(10);
    // Before any full check no surface knows the count: not status, not /metrics.
    expect((await get('/admin/status')).json<Status>().integrity.lastFullCheck).toBeNull();
    expect((await get('/metrics')).body).toMatch(/^speculation_integrity_corrupted_records 0$/m);
    const started = t.drill.clock.now();
    const response = await post('/admin/check-integrity', { component: 'speculation', full: true });
    expect(response.statusCode).toBe(200);
    const report = response.json<Integrity>();
    expect(t.drill.clock.now() - started).toBe(42_000);
    expect(report).toMatchObject({ status: 'failed', full: true, recordsScanned: 4_194_304, durationMs: 42_000, corruptedRecords: Math.floor(t.drill.world.corruptedRecords) });
    expect(report.affectedShards.length).toBeGreaterThan(0);
    expect(t.drill.journal.list().some((entry) => entry.action === 'clock.skip' && entry.detail?.reason === 'waiting for integrity check')).toBe(true);
    expect(t.drill.journal.list().some((entry) => entry.source === 'world' && entry.action === 'integrity.checked' && entry.detail?.full === true)).toBe(true);
    expect((await get('/admin/status')).json<Status>().integrity.lastFullCheck).toMatchObject({ corruptedRecords: report.corruptedRecords });
    expect((await get('/metrics')).body).toContain(`speculation_integrity_corrupted_records ${report.corruptedRecords}\n`);
  });

  it('a quick check reads a sample in 3 s and finds only what its sample holds', async () => {
    await t.replace({ scenario: 'state-corruption', seed: 3 });
    t.drill.skipTime(40 * 60_000, 'let it corrupt');
    const started = t.drill.clock.now();
    const report = (await post('/admin/check-integrity', { component: 'speculation', full: false })).json<Integrity>();
    expect(t.drill.clock.now() - started).toBe(3_000);
    expect(report).toMatchObject({ full: false, recordsScanned: 262_144, affectedShards: [] });
    expect(report.corruptedRecords).toBeGreaterThan(0);
    expect(report.corruptedRecords).toBeLessThan(t.drill.world.corruptedRecords / 4);
    expect((await get('/admin/status')).json<Status>().integrity.lastFullCheck).toBeNull();
  });

  it('on the realtime clock answers 202 running when its wait runs out, and the result shows in status when it ends', async () => {
    const wall = testWallClock();
    await t.replace({ scenario: 'state-corruption', seed: 3, clock: 'realtime', speed: 10, wallNow: wall.now });
    t.drill.skipTime(20 * 60_000, 'let it corrupt');
    const running = await post('/admin/check-integrity?wait_s=0', { component: 'speculation', full: true });
    expect(running.statusCode, running.body).toBe(202);
    expect(running.json<Integrity>()).toMatchObject({ status: 'running', full: true, finishedAt: null, corruptedRecords: 0 });
    expect((await get('/admin/status')).json<Status>().integrity).toMatchObject({ running: { full: true }, lastFullCheck: null });
    // 42 simulated seconds at ×10 is 4.2 wall seconds.
    for (let step = 0; step < 50 && t.drill.world.lastFullScan === undefined; step++) {
      wall.pass(100);
      t.drill.clock.catchUp();
    }
    const status = (await get('/admin/status')).json<Status>();
    expect(status.integrity.running).toBeNull();
    expect(status.integrity.lastFullCheck?.corruptedRecords).toBeGreaterThan(0);
  });
});

describe('agenc endpoints', () => {
  it('GET /admin/status reports health, pods and, with verbose, config and errors', async () => {
    const response = await get('/admin/status?component=speculation&verbose=true');
    expect(response.statusCode).toBe(200);
    const body = response.json<{ status: string; pods: unknown[]; verbose?: { config: Record<string, unknown> } }>();
    expect(body.status).toBe('healthy');
    expect(body.pods).toHaveLength(3);
    expect(body.verbose?.config['speculation.enabled']).toBe(true);
  });

  it('rejects an unknown component, listing the allowed ones, and changes nothing', async () => {
    const before = worldFingerprint(t.drill);
    const response = await post('/admin/gc', { component: 'databse', force: true });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'INVALID_BODY', field: 'component', allowed: ['speculation'] });
    expect(worldFingerprint(t.drill)).toBe(before);
  });

  it('POST /admin/gc runs a GC on every ready speculation pod', async () => {
    const response = await post('/admin/gc', { component: 'speculation', force: true });
    expect(response.statusCode).toBe(200);
    expect(response.json<{ pods: unknown[] }>().pods).toHaveLength(3);
    expect(t.drill.world.gcRuns).toBe(1);
    expect(t.drill.journal.list().at(-1)).toMatchObject({ source: 'admin', action: 'POST /admin/gc', detail: { force: true } });
  });

  it('journals agenc calls under their command line', async () => {
    await t.server.inject({ method: 'GET', url: '/admin/proof-worker/status', headers: { ...adminAuth, 'x-agenc-command': 'agenc proof-worker status' } });
    expect(t.drill.journal.list().at(-1)).toMatchObject({ source: 'agenc', action: 'agenc proof-worker status', outcome: 'accepted' });
  });

  it('snapshots clear: a dry run deletes nothing, a real one deletes what is old enough', async () => {
    const count = t.drill.world.snapshotCount();
    const dry = await post('/admin/speculation/snapshots/clear', { older_than_ms: 5 * 60_000, dry_run: true });
    expect(dry.json<{ removed: number }>().removed).toBeGreaterThan(0);
    expect(t.drill.world.snapshotCount()).toBe(count);
    const real = await post('/admin/speculation/snapshots/clear', { older_than_ms: 5 * 60_000 });
    expect(real.statusCode).toBe(200);
    expect(t.drill.world.snapshotCount()).toBeLessThan(count);
  });

  it('rejects a snapshot age under a minute', async () => {
    const before = worldFingerprint(t.drill);
    const response = await post('/admin/speculation/snapshots/clear', { older_than_ms: 10 });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ field: 'older_than_ms' });
    expect(worldFingerprint(t.drill)).toBe(before);
  });

  it.each([
    ['/admin/speculation/stuck?threshold_ms=60000', 'tasks'],
    ['/admin/speculation/rollbacks?since_ms=600000&verbose=true', 'events'],
    ['/admin/proof-worker/status', 'queue'],
    ['/admin/stake/status', 'stakedTokens'],
    ['/admin/stake/slashing-history?since_ms=2592000000', 'events'],
    ['/admin/logs?limit=5', 'lines'],
  ])('GET %s answers 200 with %s', async (url, field) => {
    const response = await get(url);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toHaveProperty(field);
  });

  it('lists rollback events newest first, in time order (a storm notes several a tick, at scattered moments within it)', async () => {
    await t.replace({ scenario: 'rollback-storm', seed: 12, difficulty: 'normal' });
    for (let i = 0; i < 3600 && t.drill.world.readings().rollbackRate < 0.3; i++) t.drill.clock.advanceBy(1000);
    t.drill.clock.advanceBy(60_000);
    const events = (await get('/admin/speculation/rollbacks?since_ms=3600000&verbose=true')).json<{ events: Array<{ at: string }> }>().events;
    expect(events.length).toBeGreaterThan(5);
    expect(events.map((event) => event.at)).toEqual(events.map((event) => event.at).sort().reverse());
  });

  it('POST /admin/check-integrity and /admin/proof-worker/timeout answer with their reports', async () => {
    const integrity = await post('/admin/check-integrity', { component: 'speculation', full: true });
    expect(integrity.json()).toMatchObject({ status: 'ok', full: true, corruptedRecords: 0 });
    const timeout = await post('/admin/proof-worker/timeout', { older_than_ms: 600_000 });
    expect(timeout.json()).toMatchObject({ timedOut: 0, olderThanMs: 600_000 });
  });

  it('answers an unknown admin path with a coded 404', async () => {
    const response = await get('/admin/nope');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: 'NOT_FOUND' });
  });
});

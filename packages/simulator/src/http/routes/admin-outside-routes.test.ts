import { describe, expect, it } from 'vitest';
import { adminAuth, useTestServer, worldFingerprint } from '../test-server';

const t = useTestServer();

const get = (url: string, headers: Record<string, string> = adminAuth) => t.server.inject({ method: 'GET', url, headers });
const postConfig = (body: Record<string, unknown>) =>
  t.server.inject({ method: 'POST', url: '/admin/config', headers: { ...adminAuth, 'content-type': 'application/json' }, payload: JSON.stringify(body) });

interface HistoryBody {
  sinceMs: number;
  changes: Array<{ at: string; by: string; reason: string; changes: Record<string, unknown>; previous: Record<string, unknown> }>;
}
interface MessagesBody {
  channel: string | null;
  messages: Array<{ at: string; channel: string; from: string; text: string }>;
}

describe('GET /admin/config/history', () => {
  it("lists the responder's own change with the token's owner, and an outside change with its author and reason, newest first", async () => {
    t.drill.world.applyHappening({ kind: 'config', changes: { 'speculation.max_depth': 6 }, by: 'platform-automation', reason: 'raise depth for the batch window' });
    t.drill.skipTime(60_000, 'test');
    expect((await postConfig({ 'speculation.max_depth': 2, 'speculation.enabled': false })).statusCode).toBe(200);
    const response = await get('/admin/config/history');
    expect(response.statusCode).toBe(200);
    const body = response.json<HistoryBody>();
    expect(body.sinceMs).toBe(86_400_000);
    expect(body.changes).toEqual([
      { at: t.drill.simDate(60_000).toISOString(), by: 'admin', reason: '', changes: { 'speculation.max_depth': 2, 'speculation.enabled': false }, previous: { 'speculation.max_depth': 6, 'speculation.enabled': true } },
      { at: t.drill.simDate(0).toISOString(), by: 'platform-automation', reason: 'raise depth for the batch window', changes: { 'speculation.max_depth': 6 }, previous: { 'speculation.max_depth': 4 } },
    ]);
  });

  it('keeps to the window `since` names', async () => {
    t.drill.world.applyHappening({ kind: 'config', changes: { 'speculation.max_depth': 6 }, by: 'platform-automation', reason: 'old change' });
    t.drill.skipTime(20 * 60_000, 'test');
    await postConfig({ 'speculation.max_depth': 3 });
    const recent = (await get('/admin/config/history?since=10m')).json<HistoryBody>();
    expect(recent.sinceMs).toBe(600_000);
    expect(recent.changes.map((change) => change.changes)).toEqual([{ 'speculation.max_depth': 3 }]);
    const all = (await get('/admin/config/history?since=1h')).json<HistoryBody>();
    expect(all.changes).toHaveLength(2);
  });

  it.each([
    ['abc', 'is not a duration'],
    ['10', 'is not a duration'],
    ['0m', 'is an empty window'],
    ['31d', 'longer than the 30d'],
    ['', 'is not a duration'],
  ])('rejects since=%j with a 400 naming the field and what is allowed', async (since, why) => {
    const before = worldFingerprint(t.drill);
    const response = await get(`/admin/config/history?since=${encodeURIComponent(since)}`);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'INVALID_PARAMETER', field: 'since' });
    expect(response.json<{ message: string }>().message).toContain(why);
    expect(response.json<{ message: string }>().message).toContain('for example 30s, 10m, 1h30m, 24h');
    expect(worldFingerprint(t.drill)).toBe(before);
  });

  it('requires the admin token', async () => {
    expect((await get('/admin/config/history', {})).statusCode).toBe(401);
    expect((await get('/admin/config/history', { authorization: 'Bearer nope' })).json()).toMatchObject({ error: 'UNAUTHORIZED' });
  });
});

describe('GET /admin/messages', () => {
  const post = (channel: '#platform-alerts' | '#deploys' | '#incidents', from: string, text: string) => t.drill.world.applyHappening({ kind: 'message', channel, from, text });

  it('lists the messages other teams posted, oldest first, in one channel or all', async () => {
    post('#platform-alerts', 'chain-infra', 'rpc-2 latency elevated, investigating');
    t.drill.skipTime(5 * 60_000, 'test');
    post('#deploys', 'deploy-bot', 'speculation-engine 2.14.4 rolling out to production');
    const all = (await get('/admin/messages')).json<MessagesBody>();
    expect(all.channel).toBeNull();
    expect(all.messages).toEqual([
      { at: t.drill.simDate(0).toISOString(), channel: '#platform-alerts', from: 'chain-infra', text: 'rpc-2 latency elevated, investigating' },
      { at: t.drill.simDate(300_000).toISOString(), channel: '#deploys', from: 'deploy-bot', text: 'speculation-engine 2.14.4 rolling out to production' },
    ]);
    const alerts = (await get(`/admin/messages?channel=${encodeURIComponent('#platform-alerts')}`)).json<MessagesBody>();
    expect(alerts.channel).toBe('#platform-alerts');
    expect(alerts.messages.map((message) => message.from)).toEqual(['chain-infra']);
    const recent = (await get('/admin/messages?since=1m')).json<MessagesBody>();
    expect(recent.messages.map((message) => message.channel)).toEqual(['#deploys']);
  });

  it('answers an empty list before anyone has posted', async () => {
    expect((await get('/admin/messages')).json<MessagesBody>().messages).toEqual([]);
  });

  it('rejects a channel the drill does not have with a 400 listing the channels', async () => {
    const response = await get(`/admin/messages?channel=${encodeURIComponent('#random')}`);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'INVALID_PARAMETER', field: 'channel', allowed: ['#platform-alerts', '#incidents', '#deploys'] });
  });

  it('rejects a bad since with a 400 naming the field', async () => {
    const response = await get('/admin/messages?since=yesterday');
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'INVALID_PARAMETER', field: 'since' });
  });

  it('requires the admin token', async () => {
    expect((await get('/admin/messages', {})).statusCode).toBe(401);
  });
});

interface DependenciesBody {
  at: string;
  dependencies: Array<{
    endpoint: string;
    owner: string;
    kind: string;
    service: { requestsPerMin: number; errorRate: number; p99Ms: number; lastError: string | null };
    statusPage: { status: string; note: string; updatedAt: string } | null;
  }>;
}

describe('GET /admin/dependencies', () => {
  it('lists a stable, seeded set of dependencies with low numbers on a healthy day and no status pages', async () => {
    const first = (await get('/admin/dependencies')).json<DependenciesBody>();
    expect(first.dependencies.length).toBeGreaterThanOrEqual(5);
    for (const dependency of first.dependencies) {
      expect(dependency.owner).toMatch(/^(chain-infra|oracle-team|storage-team)$/);
      expect(dependency.service.errorRate).toBeLessThan(0.01);
      expect(dependency.service.lastError).toMatch(/^\d{4}-\d\d-\d\dT\S+Z .*retried, ok\)$/);
      expect(dependency.statusPage).toBeNull();
    }
    t.drill.skipTime(10 * 60_000, 'test');
    const later = (await get('/admin/dependencies')).json<DependenciesBody>();
    expect(later.dependencies.map((dependency) => dependency.endpoint)).toEqual(first.dependencies.map((dependency) => dependency.endpoint));
  });

  it("shows a storm's failing dependency under its real endpoint with its errors, and its owners' status page when they post one", async () => {
    await t.replace({ scenario: 'rollback-storm', seed: 21 });
    const world = t.drill.world;
    for (let i = 0; i < 3600 && world.drivers.cascadeSource === null; i++) t.drill.clock.advanceBy(1000);
    const failing = world.drivers.cascadeSource!;
    expect(failing).not.toBeNull();
    t.drill.clock.advanceBy(60_000);
    const body = (await get('/admin/dependencies')).json<DependenciesBody>();
    const entry = body.dependencies.find((dependency) => dependency.endpoint === failing.endpoint);
    expect(entry).toBeDefined();
    expect(entry!.service.errorRate).toBeGreaterThan(0.2);
    expect(entry!.service.lastError).toContain(failing.endpoint);
    const others = body.dependencies.filter((dependency) => dependency !== entry);
    expect(others.every((dependency) => dependency.service.errorRate < 0.01)).toBe(true);
    expect(JSON.stringify(body)).not.toMatch(/root cause|the cause|caused by|this is the problem/i);

    world.applyHappening({ kind: 'dependency-status', endpoint: failing.endpoint, owner: 'chain-infra', status: 'degraded', note: 'Elevated error rates on one node; engineers are looking into it' });
    const withPage = (await get('/admin/dependencies')).json<DependenciesBody>();
    expect(withPage.dependencies.find((dependency) => dependency.endpoint === failing.endpoint)).toMatchObject({
      owner: 'chain-infra',
      statusPage: { status: 'degraded', note: 'Elevated error rates on one node; engineers are looking into it', updatedAt: t.drill.simDate().toISOString() },
    });
  });

  it('requires the admin token', async () => {
    expect((await get('/admin/dependencies', {})).statusCode).toBe(401);
  });
});

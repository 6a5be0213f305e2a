/**
 * Issue 17 item 2: the facilitator console and the join page from any instance of a fleet. Two
 * real `gameday serve` instances A and B on one real PostgreSQL, with one facilitator token (as
 * a fleet is run). A session is created on A; through B the facilitator lists it, a person joins
 * it, and the facilitator starts, pauses and resumes it, reads its results, freezes the
 * leaderboard (A's leaderboards freeze too) and ends it: B's router forwards each to A's main
 * server. A second session runs on A when A is killed with SIGKILL: B's list shows it from the
 * store meanwhile, and once B has taken it over the facilitator's controls through B go on.
 */
import { hostname, tmpdir } from 'node:os';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fleetSuite } from './support/fleet-suite';
import { startSimulator, type ServedSimulator } from './support/served-simulator';

const suite = fleetSuite('fleet-console', { stopWith: 'SIGKILL' });
const { running, dirs } = suite;

interface Summary {
  code: string;
  status: string;
  instance?: string;
  note?: string;
  participants: Array<{ name: string; role: string }>;
}

interface Listed {
  sessions: Summary[];
  frozenAt: string | null;
  instances?: Array<{ instance: string; sessions: number; error?: string }>;
}

const facilitatorToken = `facilitator-${Math.random().toString(36).slice(2)}`;

/** A facilitator's request to one instance's main address (the balancer's pick); the answer's status and body. */
async function consoleCall<T>(sim: ServedSimulator, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${facilitatorToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: (await response.json()) as T };
}

async function ok<T>(sim: ServedSimulator, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const answer = await consoleCall<T>(sim, method, path, body);
  expect(answer.status, `${method} ${path}: ${JSON.stringify(answer.body)}`).toBe(200);
  return answer.body;
}

async function frozenAtOf(sim: ServedSimulator): Promise<string | null> {
  const response = await fetch(`${sim.url}/trainer/leaderboard`, { signal: AbortSignal.timeout(10_000) });
  return ((await response.json()) as { frozenAt: string | null }).frozenAt;
}

describe.skipIf(suite.missing !== undefined)('the facilitator console and the join page from any instance of a fleet', () => {
  it('controls a session held by A through B, and goes on through B after A dies and B takes it over', { timeout: 180_000 }, async () => {
    const args = ['--store', suite.postgres().url, '--public-host', '127.0.0.1', '--speed', '30'];
    const tokens = (name: string) => ({ admin: `admin-${name}-${Math.random().toString(36).slice(2)}`, facilitator: facilitatorToken });
    const aData = mkdtempSync(join(tmpdir(), 'gameday-console-a-'));
    dirs.push(aData);
    const a = await startSimulator(args, { dataDir: aData, tokens: tokens('a') });
    const b = await startSimulator(args, { tokens: tokens('b') });
    running.push(a, b);
    const instanceA = `${hostname()}:${aData}`;
    const instanceB = `${hostname()}:${b.dataDir}`;

    const first = await ok<Summary>(a, 'POST', '/gameday/sessions', { scenario: 'rollback-storm', team: 'blue', seed: 11, speed: 30 });
    // B lists it, from A: in full, no note.
    const listed = await ok<Listed>(b, 'GET', '/gameday/sessions');
    expect(listed.sessions.find((session) => session.code === first.code)).toMatchObject({ code: first.code, status: 'open', instance: instanceA });
    expect(listed.sessions.find((session) => session.code === first.code)?.note).toBeUndefined();
    expect(listed.instances).toEqual([{ instance: instanceA, address: a.url, sessions: 1 }]);
    // Only B's own when asked so: none.
    expect((await ok<Listed>(b, 'GET', '/gameday/sessions?scope=instance')).sessions).toEqual([]);

    // A person joins through B: the join page and the join itself are A's.
    const page = await fetch(`${b.url}/gameday/join/${first.code}`, { signal: AbortSignal.timeout(10_000) });
    expect(page.status).toBe(200);
    expect(await page.json()).toMatchObject({ code: first.code, status: 'open' });
    const joined = await fetch(`${b.url}/gameday/join/${first.code.toLowerCase()}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Ada', role: 'primary-on-call' }), signal: AbortSignal.timeout(10_000) });
    expect(joined.status).toBe(200);
    expect(await joined.json()).toMatchObject({ participant: { name: 'Ada', role: 'primary-on-call' } });

    // The controls through B act in A's session.
    expect((await ok<Summary>(b, 'POST', `/gameday/sessions/${first.code}/start`)).status).toBe('running');
    expect((await ok<Summary>(b, 'POST', `/gameday/sessions/${first.code}/pause`)).status).toBe('paused');
    expect((await ok<Summary>(b, 'POST', `/gameday/sessions/${first.code}/resume`)).status).toBe('running');
    expect((await ok<Summary>(b, 'POST', `/gameday/sessions/${first.code}/hint`, { text: 'Look at the rollouts.' })).participants).toEqual([expect.objectContaining({ name: 'Ada' })]);
    expect((await ok<Summary>(a, 'GET', `/gameday/sessions/${first.code}`)).status).toBe('running');
    const results = await ok<{ session: string; participants: Array<{ name: string }> }>(b, 'GET', `/gameday/sessions/${first.code}/results`);
    expect(results).toMatchObject({ session: first.code, participants: [expect.objectContaining({ name: 'Ada' })] });

    // The freeze made through B is the fleet's: A's leaderboards freeze too (within its second of cache), and thaw with it.
    const { frozenAt } = await ok<{ frozenAt: string }>(b, 'POST', '/gameday/leaderboard/freeze', { frozen: true });
    expect(frozenAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    const frozeAt = performance.now();
    while ((await frozenAtOf(a)) !== frozenAt && performance.now() - frozeAt < 3000) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await frozenAtOf(a)).toBe(frozenAt);
    expect(performance.now() - frozeAt).toBeLessThan(1500);
    expect((await ok<Listed>(a, 'GET', '/gameday/sessions')).frozenAt).toBe(frozenAt);
    // A second freeze, on A, keeps the first one's instant.
    expect((await ok<{ frozenAt: string }>(a, 'POST', '/gameday/leaderboard/freeze', { frozen: true })).frozenAt).toBe(frozenAt);

    // Ended through B; closed through B; then nobody holds it, and its results answer from the store on any instance.
    expect((await ok<Summary>(b, 'POST', `/gameday/sessions/${first.code}/end`)).status).toBe('ended');
    expect(await ok<{ closed: string }>(b, 'DELETE', `/gameday/sessions/${first.code}`)).toEqual({ closed: first.code });
    expect((await ok<{ session: string; status: string }>(b, 'GET', `/gameday/sessions/${first.code}/results`)).status).toBe('ended');
    await ok(b, 'POST', '/gameday/leaderboard/freeze', { frozen: false });
    const thawedAt = performance.now();
    while ((await frozenAtOf(a)) !== null && performance.now() - thawedAt < 3000) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await frozenAtOf(a)).toBeNull();

    // A second session runs on A when A dies.
    const second = await ok<Summary>(a, 'POST', '/gameday/sessions', { scenario: 'rollback-storm', team: 'red', seed: 12, speed: 30 });
    await ok(b, 'POST', `/gameday/sessions/${second.code}/start`);
    await a.stop('SIGKILL');
    const killed = performance.now();
    // Until B has it, B's list shows it from the store, saying why.
    const meanwhile = await ok<Listed>(b, 'GET', '/gameday/sessions');
    const fromStore = meanwhile.sessions.find((session) => session.code === second.code);
    expect(fromStore).toMatchObject({ status: 'running', instance: instanceA });
    expect(fromStore?.note).toMatch(/^shown from the store: its instance /);
    // Meanwhile a control answers with a coded refusal (A unreachable, then the session moving), never a 404.
    let control = await consoleCall<{ error?: string; status?: string }>(b, 'POST', `/gameday/sessions/${second.code}/pause`);
    const refusals = new Set<string>();
    while (control.status !== 200 && performance.now() - killed < 20_000) {
      refusals.add(`${control.status} ${control.body.error ?? String(control.body.status)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
      control = await consoleCall<{ error?: string; status?: string }>(b, 'POST', `/gameday/sessions/${second.code}/pause`);
    }
    expect(control.status, JSON.stringify(control.body)).toBe(200);
    process.stderr.write(`fleet-console: the facilitator's controls through B answered again ${Math.round(performance.now() - killed)} ms after A's SIGKILL (meanwhile: ${[...refusals].join(', ') || 'none'})\n`);
    for (const refusal of refusals) expect(['502 DRILL_UNREACHABLE', '503 DRILL_MOVING']).toContain(refusal);
    expect(control.body.status).toBe('paused');
    expect((await ok<Summary>(b, 'POST', `/gameday/sessions/${second.code}/resume`)).status).toBe('running');
    expect((await ok<{ session: string }>(b, 'GET', `/gameday/sessions/${second.code}/results`)).session).toBe(second.code);
    const afterwards = await ok<Listed>(b, 'GET', '/gameday/sessions');
    expect(afterwards.sessions.find((session) => session.code === second.code)).toMatchObject({ status: 'running', instance: instanceB });
    expect(afterwards.sessions.find((session) => session.code === second.code)?.note).toBeUndefined();
    expect((await ok<Summary>(b, 'POST', `/gameday/sessions/${second.code}/end`)).status).toBe('ended');
  });
});

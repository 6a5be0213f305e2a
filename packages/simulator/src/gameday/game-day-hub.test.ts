import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import type { Drill } from '../drill/drill';
import type { TraineeView } from '../drill/trainee-view';
import { buildTestHub, facilitator, hubTokens, type TestHub } from './test-hub';
import type { SessionSummary } from './game-day-hub';

let t: TestHub;
const sockets: Socket[] = [];
beforeEach(async () => {
  t = await buildTestHub();
});
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  await t.close();
});

async function console<T = SessionSummary>(method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown) {
  const response = await t.main.inject({ method, url, headers: { ...facilitator, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) });
  return { status: response.statusCode, body: response.json<T>() };
}

async function join(code: string, name: string, role: string) {
  const response = await t.main.inject({ method: 'POST', url: `/gameday/join/${code}`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ name, role }) });
  expect(response.statusCode).toBe(200);
  return response.json<{ token: string; url: string; env: string[]; participant: { id: string } }>();
}

async function call(url: string, token: string, method = 'POST', body: unknown = {}) {
  const response = await fetch(url, { method, headers: { authorization: `Bearer ${token}`, ...(method === 'GET' ? {} : { 'content-type': 'application/json' }) }, ...(method === 'GET' ? {} : { body: JSON.stringify(body) }) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A live view over socket.io, keeping every view it receives. */
async function viewer(url: string, token: string): Promise<{ views: TraineeView[]; me: unknown; socket: Socket }> {
  const views: TraineeView[] = [];
  const socket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false });
  sockets.push(socket);
  let me: unknown;
  socket.on('me', (who: unknown) => (me = who));
  socket.on('view', (view: TraineeView) => views.push(view));
  await new Promise<void>((resolve, reject) => {
    socket.once('view', () => resolve());
    socket.once('connect_error', reject);
  });
  return { views, me, socket };
}

async function twoSessions() {
  const a = (await console('POST', '/gameday/sessions', { scenario: 'rollback-storm', team: 'blue', seed: 5, speed: 60 })).body;
  const b = (await console('POST', '/gameday/sessions', { scenario: 'proof-backlog', team: 'red', seed: 5, speed: 60 })).body;
  return { a, b };
}

describe('game-day sessions', () => {
  it('lets a person back in by the token their browser kept, as the same person; another session or a stranger’s token is refused (issue 16)', async () => {
    const { a, b } = await twoSessions();
    const bob = await join(a.code, 'Bob', 'primary-on-call');
    const again = await t.main.inject({ method: 'POST', url: `/gameday/join/${a.code}`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ name: 'Bob', role: 'primary-on-call' }) });
    expect(again.statusCode).toBe(409);
    const rejoin = (code: string, token: string) => t.main.inject({ method: 'POST', url: `/gameday/join/${code}/rejoin`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ token }) });
    const back = await rejoin(a.code, bob.token);
    expect(back.statusCode).toBe(200);
    expect(back.json()).toMatchObject({ participant: { id: bob.participant.id, name: 'Bob', role: 'primary-on-call' }, token: bob.token, url: bob.url, env: bob.env });
    expect(t.hub.get(a.code).participants).toHaveLength(1);
    expect((await rejoin(b.code, bob.token)).json()).toMatchObject({ error: 'UNAUTHORIZED', field: 'token' });
    expect((await rejoin(a.code, `${bob.participant.id}.not-the-secret`)).statusCode).toBe(401);
  });

  it('creates a session with a join code and link, on its own port with its own admin token', async () => {
    const { a, b } = await twoSessions();
    expect(a.code).toMatch(/^[A-Z2-9]{6}$/);
    expect(a.joinUrl).toBe(`http://127.0.0.1:9090/#join=${a.code}`);
    expect(a.url).not.toBe(b.url);
    expect(a.status).toBe('open');
    const sessionA = t.hub.get(a.code);
    const sessionB = t.hub.get(b.code);
    expect(sessionA.adminToken).not.toBe(sessionB.adminToken);
    expect(sessionA.drill).not.toBe(sessionB.drill);
    // The join page needs no token; the console does.
    const info = await t.main.inject({ method: 'GET', url: `/gameday/join/${a.code.toLowerCase()}` });
    expect(info.json()).toMatchObject({ code: a.code, team: 'blue', status: 'open', roles: expect.arrayContaining([expect.objectContaining({ id: 'observer', permissions: [] })]) as unknown });
    expect((await t.main.inject({ method: 'GET', url: '/gameday/sessions' })).statusCode).toBe(401);
  });

  it('puts the public host in the links people open from other machines', async () => {
    await t.close();
    t = await buildTestHub({ publicHost: 'gameday.example.internal' });
    const { a } = await twoSessions();
    expect(a.url).toMatch(/^http:\/\/gameday\.example\.internal:\d+$/);
    expect(a.adminUrl).toMatch(/^http:\/\/gameday\.example\.internal:\d+\/#token=/);
    expect((await join(a.code, 'Remy', 'observer')).url).toMatch(/^http:\/\/gameday\.example\.internal:\d+\/#token=/);
  });

  it("in a fleet, points a participant's shell and link at the public main address and names the session in the .curlrc; the terminal stays on the session's server", async () => {
    await t.close();
    const publicUrl = 'http://gameday.example.internal:9090';
    t = await buildTestHub({ publicHost: 'gameday.example.internal', fleetUrl: () => publicUrl });
    const { a } = await twoSessions();
    await console('POST', `/gameday/sessions/${a.code}/start`);
    const pat = await join(a.code, 'Pat', 'primary-on-call');
    expect(pat.url).toBe(`${publicUrl}/#token=${encodeURIComponent(pat.token)}`);
    expect(pat.env).toContain(`export AGENC_URL='${publicUrl}'`);
    const setting = (name: string) => pat.env.find((line) => line.startsWith(`export ${name}=`))!.replace(/^export \w+='(.*)'$/, '$1');
    expect(readFileSync(setting('KUBECONFIG'), 'utf8')).toContain(`server: ${publicUrl}/as/${encodeURIComponent(pat.token)}\n`);
    expect(readFileSync(joinPath(setting('CURL_HOME'), '.curlrc'), 'utf8')).toBe(
      `connect-to = localhost:9090:gameday.example.internal:9090\nconnect-to = 127.0.0.1:9090:gameday.example.internal:9090\nheader = "X-Gameday-Drill: session:${a.code}"\n`,
    );
    // The facilitator's link to the session is still its own server.
    expect(a.url).toMatch(/^http:\/\/gameday\.example\.internal:\d+$/);
    const scaled = (await call(`http://127.0.0.1:${t.hub.get(a.code).endpoint!.port}/trainer/terminal`, pat.token, 'POST', { command: 'kubectl scale deployment proof-worker -n production --replicas=9' })).body;
    expect(scaled.stdout, String(scaled.stderr)).toBe('deployment.apps/proof-worker scaled\n');
  });

  it('takes session ports from the given range, and refuses cleanly when it is used up', async () => {
    await t.close();
    const from = 20_000 + Math.floor(Math.random() * 20_000);
    t = await buildTestHub({ ports: { from, to: from + 1 } });
    const { a, b } = await twoSessions();
    expect([a.url, b.url].map((url) => Number(new URL(url!).port)).sort()).toEqual([from, from + 1]);
    const third = await console('POST', '/gameday/sessions', { scenario: 'baseline' });
    expect(third.status).toBe(409);
    expect(third.body).toMatchObject({ error: 'CONFLICT', message: `no free port for the session in ${from}-${from + 1}` });
    expect(t.hub.list()).toHaveLength(2);
    expect(t.store.sessions()).toHaveLength(2);
  });

  it('keeps two drills apart: commands, tokens and socket events of one never reach the other', async () => {
    const { a, b } = await twoSessions();
    await console('POST', `/gameday/sessions/${a.code}/start`);
    await console('POST', `/gameday/sessions/${b.code}/start`);
    const alice = await join(a.code, 'Alice', 'incident-commander');
    const bob = await join(b.code, 'Bob', 'incident-commander');
    const drillA = t.hub.get(a.code).drill;
    const drillB = t.hub.get(b.code).drill;

    // Commands: Alice disables speculation in A; B's world is untouched.
    expect((await call(`${a.url}/admin/config`, alice.token, 'POST', { 'speculation.enabled': false })).status).toBe(200);
    expect(drillA.world.config['speculation.enabled']).toBe(false);
    expect(drillB.world.config['speculation.enabled']).toBe(true);
    expect(drillA.journal.list().find((entry) => entry.action === 'POST /admin/config')).toMatchObject({ actor: 'Alice', outcome: 'accepted' });
    // The config history names who made the change: the participant, not the token kind (issue 14).
    const history = await call(`${a.url}/admin/config/history?since=1h`, alice.token, 'GET');
    expect(history.status).toBe(200);
    expect((history.body as { changes: Array<{ by: string }> }).changes.map((change) => change.by)).toEqual(['Alice']);
    expect(drillB.journal.list().some((entry) => entry.action === 'POST /admin/config')).toBe(false);

    // Tokens: A's participant token and A's admin token mean nothing on B.
    const before = JSON.stringify(drillB.world.config);
    expect((await call(`${b.url}/admin/config`, alice.token, 'POST', { 'speculation.enabled': false })).status).toBe(401);
    expect((await call(`${b.url}/admin/config`, t.hub.get(a.code).adminToken, 'POST', { 'speculation.enabled': false })).status).toBe(401);
    expect(JSON.stringify(drillB.world.config)).toBe(before);
    await expect(viewer(b.url!, alice.token)).rejects.toThrow(/unauthorized/);

    // Sockets: a hint to A reaches A's viewers only.
    const viewA = await viewer(a.url!, alice.token);
    const viewB = await viewer(b.url!, bob.token);
    expect(viewA.me).toMatchObject({ name: 'Alice', role: 'incident-commander' });
    await console('POST', `/gameday/sessions/${a.code}/hint`, { text: 'look at the rollback sources' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(viewA.views.at(-1)?.session?.hints.map((hint) => hint.text)).toEqual(['look at the rollback sources']);
    expect(viewB.views.every((view) => view.session?.code === b.code && view.session.hints.length === 0)).toBe(true);
    expect(viewB.views.some((view) => view.session?.participants.some((person) => person.name === 'Alice'))).toBe(false);

    // Scores: each drill is scored from its own journal.
    await console('POST', `/gameday/sessions/${a.code}/end`);
    const resultsA = (await console<{ participants: Array<{ name: string }> }>('GET', `/gameday/sessions/${a.code}/results`)).body;
    const resultsB = (await console<{ participants: Array<{ name: string }>; status: string }>('GET', `/gameday/sessions/${b.code}/results`)).body;
    expect(resultsA.participants.map((person) => person.name)).toEqual(['Alice']);
    expect(resultsB.participants.map((person) => person.name)).toEqual(['Bob']);
    expect(resultsB.status).toBe('running');
  });

  it("refuses an observer's commands and acknowledgement, and records who tried", async () => {
    const { a } = await twoSessions();
    await console('POST', `/gameday/sessions/${a.code}/start`);
    const olly = await join(a.code, 'Olly', 'observer');
    const drill = t.hub.get(a.code).drill;
    const config = JSON.stringify(drill.world.config);
    const refused = await call(`${a.url}/admin/config`, olly.token, 'POST', { 'speculation.enabled': false });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: 'FORBIDDEN', field: 'role', message: expect.stringMatching(/^observers cannot run commands/) as unknown });
    expect((await call(`${a.url}/trainer/acknowledge`, olly.token)).status).toBe(403);
    expect((await call(`${a.url}/trainer/terminal`, olly.token, 'POST', { command: 'agenc admin gc' })).status).toBe(403);
    // kubectl with the observer's kubeconfig (token in the path): discovery answers, the resource is refused.
    const token = encodeURIComponent(olly.token);
    expect((await fetch(`${a.url}/as/${token}/api`)).status).toBe(200);
    const pods = await fetch(`${a.url}/as/${token}/api/v1/namespaces/production/pods`);
    expect(pods.status).toBe(403);
    expect(await pods.json()).toMatchObject({ kind: 'Status', reason: 'Forbidden', code: 403 });
    expect(JSON.stringify(drill.world.config)).toBe(config);
    expect(drill.journal.list().filter((entry) => entry.actor === 'Olly' && entry.outcome === 'rejected').map((entry) => entry.status)).toEqual([403, 403, 403, 403]);
    // Watching is allowed.
    expect((await call(`${a.url}/trainer/me`, olly.token, 'GET')).body).toMatchObject({ name: 'Olly', role: 'observer', permissions: [] });
  });

  it("runs a participant's terminal lines as them, in a folder of their own that no one else sees", async () => {
    const { a } = await twoSessions();
    await console('POST', `/gameday/sessions/${a.code}/start`);
    const pat = await join(a.code, 'Pat', 'primary-on-call');
    const ivy = await join(a.code, 'Ivy', 'incident-commander');
    const type = async (token: string, command: string) => (await call(`${a.url}/trainer/terminal`, token, 'POST', { command })).body as { stdout: string; stderr: string; exitCode: number };
    const scaled = await type(pat.token, 'kubectl scale deployment proof-worker -n production --replicas=9');
    expect(scaled.stdout, scaled.stderr).toBe('deployment.apps/proof-worker scaled\n');
    expect(t.hub.get(a.code).drill.journal.list().find((entry) => entry.action === 'kubectl scale')).toMatchObject({ actor: 'Pat' });
    const folder = joinPath(t.hub.get(a.code).endpoint!.record.drillDir, 'participants', pat.participant.id);
    expect((await type(pat.token, 'pwd')).stdout).toBe(`${folder}\n`);
    expect((await type(pat.token, 'agenc stake status > pat-notes.txt')).exitCode).toBe(0);
    expect(readdirSync(folder).sort()).toEqual(['pat-notes.txt', 'scripts']);
    expect((await type(ivy.token, 'ls')).stdout).toBe('scripts/\n');
    expect((await type(ivy.token, 'cat pat-notes.txt')).exitCode).toBe(1);
    // The join answer's shell lines use the participant's own folder and private settings.
    expect(pat.env).toContain(`cd '${folder}'`);
    expect(pat.env.find((line) => line.startsWith('export KUBECONFIG='))).toContain(joinPath(t.dataDir, 'private'));
  });

  it('limits roles: the comms lead posts updates but runs no commands; the on-call does not declare resolved', async () => {
    const { a } = await twoSessions();
    await console('POST', `/gameday/sessions/${a.code}/start`);
    const cara = await join(a.code, 'Cara', 'comms-lead');
    const pat = await join(a.code, 'Pat', 'primary-on-call');
    expect((await call(`${a.url}/trainer/comms`, cara.token, 'POST', { channel: '#incidents', template: 'update', text: 'Investigating elevated rollbacks.' })).status).toBe(200);
    expect((await call(`${a.url}/admin/speculation/drain`, cara.token)).status).toBe(403);
    expect((await call(`${a.url}/trainer/declare`, pat.token, 'POST', { state: 'resolved' })).status).toBe(403);
    expect(t.hub.get(a.code).drill.journal.list().find((entry) => entry.action === 'POST /trainer/comms')).toMatchObject({ actor: 'Cara' });
  });

  it('pauses the clock for everyone in the session, refuses actions while paused, and resumes', async () => {
    const { a, b } = await twoSessions();
    await console('POST', `/gameday/sessions/${a.code}/start`);
    await console('POST', `/gameday/sessions/${b.code}/start`);
    const alice = await join(a.code, 'Alice', 'incident-commander');
    const pat = await join(a.code, 'Pat', 'primary-on-call');
    const viewAlice = await viewer(a.url!, alice.token);
    const viewPat = await viewer(a.url!, pat.token);
    const drill = t.hub.get(a.code).drill;
    expect((await console('POST', `/gameday/sessions/${a.code}/pause`)).body.status).toBe('paused');
    const pausedAt = drill.clock.now();
    const otherBefore = t.hub.get(b.code).drill.clock.now();
    await new Promise((resolve) => setTimeout(resolve, 400));
    drill.clock.catchUp();
    expect(drill.clock.now()).toBe(pausedAt);
    // The other session's clock runs on (×60).
    t.hub.get(b.code).drill.clock.catchUp();
    expect(t.hub.get(b.code).drill.clock.now()).toBeGreaterThan(otherBefore + 10_000);
    for (const view of [viewAlice, viewPat]) {
      expect(view.views.at(-1)).toMatchObject({ clock: { paused: true, simMs: pausedAt }, session: { status: 'paused' } });
    }
    const refused = await call(`${a.url}/admin/config`, alice.token, 'POST', { 'speculation.max_depth': 2 });
    expect(refused).toMatchObject({ status: 409, body: { message: expect.stringMatching(/paused by the facilitator/) as unknown } });
    expect(drill.world.config['speculation.max_depth']).not.toBe(2);
    // Reads go on.
    expect((await fetch(`${a.url}/metrics`)).status).toBe(200);
    await console('POST', `/gameday/sessions/${a.code}/resume`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    drill.clock.catchUp();
    expect(drill.clock.now()).toBeGreaterThan(pausedAt);
    const actions = drill.journal.list().filter((entry) => entry.action.startsWith('facilitator.')).map((entry) => [entry.action, entry.actor]);
    expect(actions).toEqual([
      ['facilitator.start', 'facilitator'],
      ['facilitator.pause', 'facilitator'],
      ['facilitator.resume', 'facilitator'],
    ]);
  });

  it('refuses actions before the start, and changes nothing', async () => {
    const { a } = await twoSessions();
    const alice = await join(a.code, 'Alice', 'incident-commander');
    const refused = await call(`${a.url}/admin/config`, alice.token, 'POST', { 'speculation.enabled': false });
    expect(refused).toMatchObject({ status: 409, body: { message: expect.stringMatching(/has not started yet/) as unknown } });
    expect(t.hub.get(a.code).drill.world.config['speculation.enabled']).toBe(true);
    expect((await console('POST', `/gameday/sessions/${a.code}/pause`)).status).toBe(409);
  });

  it('injects a second fault into the running drill, and judges the team on both', async () => {
    const { a } = await twoSessions();
    expect((await console('POST', `/gameday/sessions/${a.code}/inject`, { scenario: 'memory-exhaustion' })).status).toBe(409);
    await console('POST', `/gameday/sessions/${a.code}/start`);
    const injected = await console('POST', `/gameday/sessions/${a.code}/inject`, { scenario: 'memory-exhaustion' });
    expect(injected.body.faults).toEqual(['memory-exhaustion']);
    expect((await console('POST', `/gameday/sessions/${a.code}/inject`, { scenario: 'memory-exhaustion' })).status).toBe(409);
    expect((await console('POST', `/gameday/sessions/${a.code}/inject`, { scenario: 'rollback-storm' })).status).toBe(409);
    expect((await console('POST', `/gameday/sessions/${a.code}/inject`, { scenario: 'baseline' })).status).toBe(400);
    const drill = t.hub.get(a.code).drill;
    for (let i = 0; i < 45 * 60; i++) drill.clock.advanceBy(1000);
    // The injected leak fills the speculation pods, whatever the storm does (its auto-protection
    // may turn speculation off later): by now they are near their limit or have been OOM-killed.
    const speculationPods = drill.world.cluster.podsOf('speculation-engine');
    expect(drill.world.readings().memoryRatio > 0.85 || speculationPods.some((pod) => pod.lastTerminationReason === 'OOMKilled')).toBe(true);
    expect(drill.journal.list().some((entry) => entry.action === 'fault.phase' && entry.detail?.fault === 'memory-exhaustion')).toBe(true);
    const results = (await console<{ score: { injected: string[]; actions: Array<{ id: string }> } }>('GET', `/gameday/sessions/${a.code}/results`)).body;
    expect(results.score.injected).toEqual(['memory-exhaustion']);
    expect(results.score.actions.some((action) => action.id.startsWith('INC-SPEC-002:'))).toBe(true);
    // Participants are not told which fault was injected.
    expect(JSON.stringify(t.hub.get(a.code).view())).not.toContain('memory');
  });

  it('credits each participant with their share, and exports attendance and results as CSV', async () => {
    const { a } = await twoSessions();
    await console('POST', `/gameday/sessions/${a.code}/start`);
    const alice = await join(a.code, 'Alice', 'incident-commander');
    const pat = await join(a.code, 'Pat', 'primary-on-call');
    await join(a.code, 'Olly', 'observer');
    const drill = t.hub.get(a.code).drill;
    for (let i = 0; i < 3600 && drill.world.alerts.firing().length === 0; i++) drill.clock.advanceBy(1000);
    expect((await call(`${a.url}/trainer/acknowledge`, pat.token)).status).toBe(200);
    expect((await call(`${a.url}/admin/config`, pat.token, 'POST', { 'speculation.enabled': false })).status).toBe(200);
    expect((await call(`${a.url}/trainer/severity`, alice.token, 'POST', { severity: 'P2', answers: {} })).status).toBe(200);
    const results = (await console<{ participants: Array<{ name: string; points: number; commands: number; credits: Array<{ dimension: string }> }>; teamPoints: number; score: { total: number } }>('GET', `/gameday/sessions/${a.code}/results`)).body;
    const byName = Object.fromEntries(results.participants.map((person) => [person.name, person]));
    expect(byName.Pat!.credits.map((credit) => credit.dimension)).toEqual(expect.arrayContaining(['acknowledge', 'runbook']));
    expect(byName.Pat!.commands).toBe(1);
    expect(byName.Alice!.credits.map((credit) => credit.dimension)).toContain('severity');
    expect(byName.Olly!.points).toBe(0);
    const sum = results.participants.reduce((total, person) => total + person.points, 0) + results.teamPoints;
    expect(sum).toBeCloseTo(results.score.total, 0);

    const attendance = await t.main.inject({ method: 'GET', url: `/gameday/attendance?session=${a.code}`, headers: facilitator });
    expect(attendance.headers['content-type']).toContain('text/csv');
    const lines = attendance.body.trim().split('\n');
    expect(lines[0]).toBe('session,title,team,name,role,joinedAt');
    expect(lines.slice(1).map((line) => line.split(',').slice(3, 5).join(','))).toEqual(['Alice,incident-commander', 'Pat,primary-on-call', 'Olly,observer']);
    const csv = await t.main.inject({ method: 'GET', url: `/gameday/sessions/${a.code}/results?format=csv`, headers: facilitator });
    expect(csv.body.split('\n')[0]).toBe('session,team,name,role,points,commands,rejected,credits,teamScore,teamPoints');

    // Per team, once the game-day is over: the standings with the score's dimensions.
    expect((await console<{ teams: unknown[] }>('GET', '/gameday/teams')).body.teams).toEqual([]);
    await console('POST', `/gameday/sessions/${a.code}/end`);
    // The ended game-day counts in the readiness metrics on the main server's /metrics.
    expect((await t.main.inject({ method: 'GET', url: '/metrics' })).body).toMatch(/gameday_drills_finished_total\{scenario="rollback-storm",team="blue",ranked="true"\} 1/);
    const teams = (await console<{ teams: Array<Record<string, unknown>> }>('GET', '/gameday/teams')).body.teams;
    expect(teams).toEqual([expect.objectContaining({ team: 'blue', session: a.code, score: results.score.total, acknowledge: expect.any(Number) as unknown, participants: 'Alice (incident-commander); Pat (primary-on-call); Olly (observer)' })]);
    const teamsCsv = await t.main.inject({ method: 'GET', url: '/gameday/teams?format=csv', headers: facilitator });
    expect(teamsCsv.body.split('\n')[0]).toMatch(/^team,session,title,scenario,difficulty,score,outcome,restored,acknowledge,.*,participants,finishedAt$/);
    // Each control is journaled on the main server as the facilitator's.
    expect(t.main.drill.journal.list().filter((entry) => entry.source === 'sim').map((entry) => [entry.action, entry.actor])).toEqual(
      expect.arrayContaining([[`POST /gameday/sessions/${a.code}/start`, 'facilitator'], [`POST /gameday/sessions/${a.code}/end`, 'facilitator']]),
    );
  });

  it('rejects a bad join naming the field, and adds no one', async () => {
    const { a } = await twoSessions();
    const bad = async (payload: unknown) => (await t.main.inject({ method: 'POST', url: `/gameday/join/${a.code}`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(payload) })).json<{ error: string; field?: string }>();
    expect(await bad({ name: 'Zed', role: 'boss' })).toMatchObject({ error: 'INVALID_BODY', field: 'role' });
    expect(await bad({ name: '', role: 'observer' })).toMatchObject({ error: 'INVALID_BODY', field: 'name' });
    expect(await bad({ name: 'Zed' })).toMatchObject({ error: 'INVALID_BODY' });
    await join(a.code, 'Zed', 'observer');
    expect(await bad({ name: 'zed', role: 'observer' })).toMatchObject({ error: 'CONFLICT', field: 'name' });
    expect((await t.main.inject({ method: 'POST', url: '/gameday/join/NOPE22', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ name: 'A', role: 'observer' }) })).statusCode).toBe(404);
    expect(t.hub.get(a.code).participants.map((person) => person.name)).toEqual(['Zed']);
    expect(t.store.attendance(a.code)).toHaveLength(1);
  });

  it('records no join when the shell set-up cannot be written', async () => {
    const { a } = await twoSessions();
    const session = t.hub.get(a.code);
    // The session folder is gone (a full or unmounted disk would do the same).
    rmSync(session.endpoint!.record.drillDir, { recursive: true, force: true });
    const refused = await t.main.inject({ method: 'POST', url: `/gameday/join/${a.code}`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ name: 'Nia', role: 'observer' }) });
    expect(refused.statusCode).toBe(500);
    expect(refused.json<{ message: string }>().message).toMatch(/^cannot set up your folder and kubeconfig in the session folder .*ENOENT/);
    expect(session.participants).toEqual([]);
    expect(t.store.attendance(a.code)).toEqual([]);
    expect(session.drill.journal.list().some((entry) => entry.action === 'participant.joined')).toBe(false);
  });

  it('freezes the leaderboard for everyone but the facilitator', async () => {
    const { a } = await twoSessions();
    await console('POST', `/gameday/sessions/${a.code}/start`);
    const frozen = await console<{ frozenAt: string }>('POST', '/gameday/leaderboard/freeze', { frozen: true });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await console('POST', `/gameday/sessions/${a.code}/end`);
    const open = await fetch(`${a.url}/trainer/leaderboard`);
    expect(await open.json()).toEqual({ rows: [], frozenAt: frozen.body.frozenAt });
    const asFacilitator = await fetch(`${a.url}/trainer/leaderboard`, { headers: facilitator });
    expect(((await asFacilitator.json()) as { rows: Array<{ team: string }> }).rows).toEqual([expect.objectContaining({ team: 'blue' })]);
    await console('POST', '/gameday/leaderboard/freeze', { frozen: false });
    expect(((await (await fetch(`${a.url}/trainer/leaderboard`)).json()) as { rows: unknown[] }).rows).toHaveLength(1);
  });
});

/** Simulated ms per wall ms over a real `windowMs`, read between two catch-ups. */
async function rate(drill: Drill, windowMs = 200): Promise<number> {
  drill.clock.catchUp();
  const wallFrom = performance.now();
  const simFrom = drill.clock.now();
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  drill.clock.catchUp();
  return (drill.clock.now() - simFrom) / (performance.now() - wallFrom);
}

describe('the session clock (issue 16)', () => {
  it('stands at 0 until the facilitator starts the session, whatever is asked meanwhile', async () => {
    const { a } = await twoSessions();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await fetch(`${a.url}/metrics`)).status).toBe(200);
    const drill = t.hub.get(a.code).drill;
    expect(drill.clock.now()).toBe(0);
    await console('POST', `/gameday/sessions/${a.code}/start`);
    expect(drill.journal.list().find((entry) => entry.action === 'drill.started')?.simMs).toBe(0);
  });

  it("goes on at its speed after the facilitator skips ahead, through the facilitator's speed, pause and resume", async () => {
    const { a } = await twoSessions();
    await console('POST', `/gameday/sessions/${a.code}/start`);
    const drill = t.hub.get(a.code).drill;
    const seen: number[] = [];
    const skipped = await call(`${a.url}/_sim/clock/advance`, hubTokens.facilitator, 'POST', { ms: 5 * 60_000 });
    expect(skipped.status).toBe(200);
    seen.push((skipped.body.clock as { simMs: number }).simMs);
    expect(seen[0]).toBeGreaterThanOrEqual(5 * 60_000);
    // ×60, then ×5: a little under the speed (two catch-ups inside the window), never over it.
    expect(await rate(drill)).toBeGreaterThan(54);
    seen.push((await console('POST', `/gameday/sessions/${a.code}/speed`, { speed: 5 })).body.simMs);
    expect(await rate(drill)).toBeGreaterThan(4.5);
    expect(await rate(drill)).toBeLessThanOrEqual(5.1);
    seen.push((await console('POST', `/gameday/sessions/${a.code}/pause`)).body.simMs);
    expect(await rate(drill)).toBe(0);
    seen.push((await console('POST', `/gameday/sessions/${a.code}/resume`)).body.simMs);
    expect(await rate(drill)).toBeGreaterThan(4.5);
    seen.push((await console('GET', `/gameday/sessions/${a.code}`)).body.simMs);
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
    expect(new Set(seen).size).toBe(seen.length - 1); // paused to resumed: the one pair that stood still
  });
});

describe("tokens on a session's server (issue 13)", () => {
  const kube = (url: string, init: RequestInit = {}) => fetch(url, { ...init, headers: { accept: 'application/json', ...(init.headers as Record<string, string> | undefined) } });
  const scaleBody = (replicas: number) => ({ method: 'PATCH', body: JSON.stringify({ spec: { replicas } }), headers: { 'content-type': 'application/merge-patch+json', 'kubectl-command': 'kubectl scale' } });

  it('refuses the Kubernetes API without a token, discovery included, and takes the participant or admin token in the path', async () => {
    const { a, b } = await twoSessions();
    await console('POST', `/gameday/sessions/${a.code}/start`);
    const alice = await join(a.code, 'Alice', 'incident-commander');
    const bob = await join(b.code, 'Bob', 'incident-commander');
    const drill = t.hub.get(a.code).drill;
    const replicas = drill.world.cluster.deployment('production', 'proof-worker')!.replicas;
    for (const path of ['/api', '/apis/apps/v1', '/version', '/api/v1/namespaces/production/pods', '/apis/batch/v1/jobs']) {
      const refused = await kube(`${a.url}${path}`);
      expect(refused.status, path).toBe(401);
      expect(await refused.json()).toMatchObject({ kind: 'Status', reason: 'Unauthorized', message: 'Unauthorized' });
    }
    // Bob's token is a token of another game-day; a made-up one is no one's.
    for (const token of [bob.token, 'made-up.token', t.hub.get(b.code).adminToken]) {
      expect((await kube(`${a.url}/as/${encodeURIComponent(token)}/api`)).status).toBe(401);
      expect((await kube(`${a.url}/as/${encodeURIComponent(token)}/apis/apps/v1/namespaces/production/deployments/proof-worker/scale`, scaleBody(0))).status).toBe(401);
    }
    expect(drill.world.cluster.deployment('production', 'proof-worker')!.replicas).toBe(replicas);
    expect((await kube(`${a.url}/as/${encodeURIComponent(alice.token)}/api/v1/namespaces/production/pods`)).status).toBe(200);
    expect((await kube(`${a.url}/api/v1/namespaces/production/pods`, { headers: { authorization: `Bearer ${alice.token}` } })).status).toBe(200);
    expect((await kube(`${a.url}/as/${t.hub.get(a.code).adminToken}/api/v1/namespaces/production/pods`)).status).toBe(200);
  });

  it("names the token's owner in the journal, whatever kubectl-session header a caller sends", async () => {
    const { a } = await twoSessions();
    await console('POST', `/gameday/sessions/${a.code}/start`);
    const alice = await join(a.code, 'Alice', 'incident-commander');
    await join(a.code, 'Pat', 'primary-on-call');
    const drill = t.hub.get(a.code).drill;
    const scaleUrl = '/apis/apps/v1/namespaces/production/deployments/agenc-worker/scale';
    // Someone on the network, without a token, tries to have it charged to Pat.
    const forged = await kube(`${a.url}${scaleUrl}`, { ...scaleBody(0), headers: { ...scaleBody(0).headers, 'kubectl-session': 'Pat' } });
    expect(forged.status).toBe(401);
    expect(drill.world.cluster.deployment('production', 'agenc-worker')!.replicas).toBeGreaterThan(0);
    const own = await kube(`${a.url}/as/${encodeURIComponent(alice.token)}${scaleUrl}`, { ...scaleBody(3), headers: { ...scaleBody(3).headers, 'kubectl-session': 'Pat' } });
    expect(own.status).toBe(200);
    const asAdmin = await kube(`${a.url}/as/${t.hub.get(a.code).adminToken}${scaleUrl}`, { ...scaleBody(4), headers: { ...scaleBody(4).headers, 'kubectl-session': 'Pat' } });
    expect(asAdmin.status).toBe(200);
    const scales = drill.journal.list().filter((entry) => entry.action === 'kubectl scale').map((entry) => [entry.status, entry.actor]);
    expect(scales).toEqual([
      [401, undefined],
      [200, 'Alice'],
      [200, 'admin'],
    ]);
    expect(drill.journal.list().some((entry) => entry.actor === 'Pat' && entry.source === 'kube')).toBe(false);
  });

  it("answers a drill's reads only to someone in the session, and a finished drill only to its own session", async () => {
    const { a, b } = await twoSessions();
    await console('POST', `/gameday/sessions/${a.code}/start`);
    await console('POST', `/gameday/sessions/${b.code}/start`);
    const olly = await join(a.code, 'Olly', 'observer');
    const bob = await join(b.code, 'Bob', 'incident-commander');
    for (const path of ['/trainer/state', '/trainer/series?since=-1', '/trainer/me']) {
      expect((await call(`${a.url}${path}`, 'no-one.token', 'GET')).status, path).toBe(401);
      expect((await fetch(`${a.url}${path}`)).status, path).toBe(401);
      expect((await call(`${a.url}${path}`, bob.token, 'GET')).status, path).toBe(401);
      // An observer watches: reads are theirs.
      expect((await call(`${a.url}${path}`, olly.token, 'GET')).status, path).toBe(200);
    }
    expect((await call(`${a.url}/trainer/debrief`, olly.token, 'GET')).status).toBe(409);
    await console('POST', `/gameday/sessions/${a.code}/end`);
    await console('POST', `/gameday/sessions/${b.code}/end`);
    const idA = t.hub.get(a.code).drill.finishedId!;
    const idB = t.hub.get(b.code).drill.finishedId!;
    expect((await call(`${a.url}/trainer/debrief`, olly.token, 'GET')).body).toMatchObject({ drillId: idA });
    expect((await call(`${a.url}/trainer/drills/${idA}`, olly.token, 'GET')).status).toBe(200);
    expect((await fetch(`${a.url}/trainer/drills/${idA}/postmortem.md`, { headers: { authorization: `Bearer ${olly.token}` } })).status).toBe(200);
    expect((await fetch(`${a.url}/trainer/drills/${idA}/postmortem.md`)).status).toBe(401);
    // Another team's drill is not found from here, whoever asks.
    const other = await call(`${a.url}/trainer/drills/${idB}`, olly.token, 'GET');
    expect(other).toMatchObject({ status: 404, body: { error: 'NOT_FOUND', field: 'id' } });
    expect((await call(`${a.url}/trainer/drills/${idB}`, t.hub.get(a.code).adminToken, 'GET')).status).toBe(404);
    expect((await fetch(`${a.url}/trainer/drills/${idB}/postmortem.md`, { headers: { authorization: `Bearer ${olly.token}` } })).status).toBe(404);
    // The main server's admin token (the operator's) reads any.
    expect((await t.main.inject({ method: 'GET', url: `/trainer/drills/${idB}`, headers: { authorization: `Bearer ${hubTokens.admin}` } })).statusCode).toBe(200);
    expect((await t.main.inject({ method: 'GET', url: `/trainer/drills/${idB}` })).statusCode).toBe(401);
  });

  it('refuses a live view without a token of the session', async () => {
    const { a } = await twoSessions();
    await expect(viewer(a.url!, '')).rejects.toThrow(/unauthorized/);
    await expect(viewer(a.url!, t.hub.get(a.code).adminToken.slice(1))).rejects.toThrow(/unauthorized/);
  });

  it('shows on the join page the session and who is in, nothing of the drill', async () => {
    const { a } = await twoSessions();
    await console('POST', `/gameday/sessions/${a.code}/start`);
    await console('POST', `/gameday/sessions/${a.code}/hint`, { text: 'look at the rollback sources' });
    await join(a.code, 'Alice', 'incident-commander');
    const page = await t.main.inject({ method: 'GET', url: `/gameday/join/${a.code}` });
    expect(page.statusCode).toBe(200);
    const body = page.json<Record<string, unknown>>();
    expect(Object.keys(body).sort()).toEqual(['code', 'participants', 'roles', 'status', 'team', 'title']);
    expect(page.body).not.toContain('look at the rollback');
    expect(page.body).not.toContain('"scenario"');
    expect(page.body).not.toContain(t.hub.get(a.code).adminToken);
  });

  it('refuses a participant named like a token holder, so the journal cannot mix them up', async () => {
    const { a } = await twoSessions();
    for (const name of ['admin', 'Facilitator', ' scheduler ']) {
      const refused = await t.main.inject({ method: 'POST', url: `/gameday/join/${a.code}`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ name, role: 'observer' }) });
      expect(refused.statusCode, name).toBe(409);
      expect(refused.json()).toMatchObject({ error: 'CONFLICT', field: 'name', message: expect.stringContaining('join under your own name') as unknown });
    }
    expect(t.hub.get(a.code).participants).toEqual([]);
  });
});

describe('CSV exports with hostile names (issue 13)', () => {
  const formulaStart = /^[=+\-@\t\r＝＋－＠]/;
  /** Every cell of a CSV (RFC 4180: quoted cells may hold commas, quotes and line breaks). */
  function cells(csv: string): string[] {
    const found: string[] = [];
    for (const match of csv.matchAll(/("(?:[^"]|"")*"|[^,\n]*)(,|\n|$)/g)) {
      if (match[0] === '') break;
      const cell = match[1]!;
      found.push(cell.startsWith('"') ? cell.slice(1, -1).replaceAll('""', '"') : cell);
    }
    return found;
  }
  const names = ['=HYPERLINK("http://x","y")', '+1', '-2', '@SUM(A1)'];

  it('writes names that start like formulas as text in the attendance, results and teams CSVs', async () => {
    const a = (await console('POST', '/gameday/sessions', { scenario: 'rollback-storm', team: '=cmd|calc', title: '@title', seed: 5, speed: 60 })).body;
    await console('POST', `/gameday/sessions/${a.code}/start`);
    for (const [index, name] of names.entries()) await join(a.code, name, index === 0 ? 'incident-commander' : 'observer');
    // Names with a tab or carriage return up front come from older records (a join trims them).
    t.store.recordAttendance({ session: a.code, title: '\ttitle', team: '\rteam', name: '\tTab', role: 'observer', joinedAt: new Date().toISOString() });
    t.store.recordAttendance({ session: a.code, title: 'x', team: 'y', name: '\rCR', role: 'observer', joinedAt: new Date().toISOString() });
    await console('POST', `/gameday/sessions/${a.code}/end`);
    const exports = {
      attendance: (await t.main.inject({ method: 'GET', url: `/gameday/attendance?session=${a.code}`, headers: facilitator })).body,
      results: (await t.main.inject({ method: 'GET', url: `/gameday/sessions/${a.code}/results?format=csv`, headers: facilitator })).body,
      teams: (await t.main.inject({ method: 'GET', url: '/gameday/teams?format=csv', headers: facilitator })).body,
    };
    for (const [what, csv] of Object.entries(exports)) {
      const all = cells(csv);
      // Negative numbers (a harm's cost) are numbers; every other cell starting like a formula is quoted text.
      expect(all.filter((cell) => formulaStart.test(cell) && !/^-\d+(\.\d+)?$/.test(cell)), what).toEqual([]);
    }
    for (const name of names) expect(exports.attendance).toContain(name.includes('"') ? `"'${name.replaceAll('"', '""')}"` : `'${name}`);
    expect(exports.attendance).toContain("'\tTab");
    expect(exports.attendance).toContain(`"'\rCR"`);
    expect(exports.results).toContain("'+1");
    expect(exports.results).toContain(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(exports.teams).toContain("'=cmd|calc");
    expect(exports.teams).toContain("'@title");
  });
});

describe('the game-day API under random input', () => {
  const text = fc.oneof(fc.string({ maxLength: 50 }), fc.constantFrom('', ' ', 'Ada', 'incident-commander', 'observer', 'surprise', 'rollback-storm', '\u0000', 'x'.repeat(41)));
  const value = fc.oneof(text, fc.integer({ min: -5, max: 5000 }), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 }));

  it('answers a join with 200 or a coded 4xx, and a refused join adds no one', async () => {
    const { a } = await twoSessions();
    const body = fc.oneof(
      fc.record({ name: text, role: fc.oneof(fc.constantFrom('incident-commander', 'primary-on-call', 'comms-lead', 'observer'), text) }),
      fc.dictionary(fc.constantFrom('name', 'role', 'team', '__proto__'), value, { maxKeys: 3 }),
      fc.json(),
    );
    await fc.assert(
      fc.asyncProperty(body, async (payload) => {
        const before = t.hub.get(a.code).participants.length;
        const response = await t.main.inject({ method: 'POST', url: `/gameday/join/${a.code}`, headers: { 'content-type': 'application/json' }, payload: typeof payload === 'string' ? payload : JSON.stringify(payload) });
        if (response.statusCode === 200) {
          expect(t.hub.get(a.code).participants.length).toBe(before + 1);
          return;
        }
        expect([400, 409]).toContain(response.statusCode);
        expect(response.json<{ error: string; message: string }>().message.length).toBeGreaterThan(10);
        expect(t.hub.get(a.code).participants.length).toBe(before);
      }),
      { numRuns: 400, seed: 7 },
    );
  });

  it('answers a session create or control with 200 or a coded 4xx, and a refusal opens nothing', async () => {
    const body = fc
      .tuple(fc.oneof(fc.constantFrom('rollback-storm', 'surprise', 'baseline'), value), fc.dictionary(fc.constantFrom('difficulty', 'seed', 'speed', 'team', 'title', 'announce', 'colour'), value, { maxKeys: 3 }))
      .map(([scenario, rest]) => ({ scenario, ...rest }));
    let opened = 0;
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom('start', 'pause', 'resume', 'speed', 'inject', 'hint'), value, async (payload, control, argument) => {
        const before = t.hub.list().length;
        const created = await console('POST', '/gameday/sessions', payload);
        if (created.status !== 200) {
          expect(created.status).toBe(400);
          expect(t.hub.list().length).toBe(before);
          return;
        }
        opened++;
        const session = t.hub.get(created.body.code);
        const journal = session.drill.journal.counters().total;
        const answer = await console('POST', `/gameday/sessions/${session.code}/${control}`, { speed: argument, scenario: argument, text: argument });
        expect([200, 400, 409]).toContain(answer.status);
        if (answer.status !== 200) expect(session.drill.journal.counters().total).toBe(journal);
        await t.hub.close(session.code);
      }),
      { numRuns: 150, seed: 11 },
    );
    expect(opened).toBeGreaterThan(10);
  });

  it('describes the game-day routes in the OpenAPI document', async () => {
    const document = (await t.main.inject({ method: 'GET', url: '/docs/json' })).json<{ paths: Record<string, unknown> }>();
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeTruthy();
    for (const path of ['/gameday/sessions', '/gameday/join/{code}', '/gameday/sessions/{code}/inject', '/gameday/schedules', '/gameday/attendance', '/gameday/teams']) expect(document.paths).toHaveProperty([path]);
    const paths = document.paths as Record<string, Record<string, { security?: unknown }>>;
    expect(paths['/gameday/sessions']!.get!.security).toEqual([{ facilitatorToken: [] }]);
    expect(paths['/gameday/attendance']!.get!.security).toEqual([{ facilitatorToken: [] }]);
    expect(paths['/gameday/join/{code}']!.get!.security).toBeUndefined();
  });
});

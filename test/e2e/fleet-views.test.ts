/**
 * Issue 17, 2 (live views across instances): two `gameday serve --store postgres://…` processes,
 * A and B, on one real PostgreSQL. A game-day session runs on A; a socket.io client connected to
 * B's main port with a participant's token gets who it is ('me') and the views of A's session,
 * its clock moving, within 2 s of connecting, through the PostgreSQL adapter. A viewer on A's own
 * main port gets them too (the owner's one path), and a token that is no one's is refused plainly.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { PostgresDrillStore, type TraineeView } from '@gameday/simulator';
import { postgresBinDir, startPostgres, type PostgresServer } from './support/postgres-server';
import { startSimulator, type ServedSimulator } from './support/served-simulator';

const binaries = postgresBinDir();
if ('missing' in binaries) process.stderr.write(`fleet-views: skipped: ${binaries.missing}\n`);

let postgres: PostgresServer | undefined;
const running: ServedSimulator[] = [];
const sockets: Socket[] = [];
beforeAll(async () => {
  if (!('missing' in binaries)) postgres = await startPostgres();
}, 60_000);
afterAll(async () => {
  for (const socket of sockets) socket.close();
  for (const sim of running) await sim.stop();
  postgres?.stop();
});

interface Me {
  name: string;
  role: string;
  permissions: string[];
}

/** What a viewer saw, with the moments (ms after connecting) it saw them. */
interface Watched {
  socket: Socket;
  me: Array<{ at: number; me: Me | null }>;
  views: Array<{ at: number; view: TraineeView }>;
  error: Promise<string>;
}

function watch(url: string, token: string): Watched {
  const socket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false, timeout: 5000 });
  sockets.push(socket);
  const since = performance.now();
  const watched: Watched = {
    socket,
    me: [],
    views: [],
    error: new Promise((resolveError) => socket.on('connect_error', (error) => resolveError(error.message))),
  };
  socket.on('me', (me: Me | null) => watched.me.push({ at: performance.now() - since, me }));
  socket.on('view', (view: TraineeView) => watched.views.push({ at: performance.now() - since, view }));
  return watched;
}

async function until(what: string, done: () => boolean, withinMs: number): Promise<void> {
  const started = performance.now();
  while (!done()) {
    if (performance.now() - started > withinMs) throw new Error(`not within ${withinMs} ms: ${what}`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 20));
  }
}

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

describe.skipIf('missing' in binaries)('live views across two instances on one PostgreSQL', () => {
  it("a viewer on B with a participant's token sees A's session live; a wrong token is refused", { timeout: 90_000 }, async () => {
    const store = ['--store', postgres!.url];
    const [a, b] = await Promise.all([startSimulator(store), startSimulator(store)]);
    running.push(a, b);

    const session = await a.control<{ code: string; url: string }>('POST', '/gameday/sessions', { scenario: 'rollback-storm', team: 'blue', seed: 4242, speed: 30 });
    await a.control('POST', `/gameday/sessions/${session.code}/start`);
    const joined = await fetch(`${a.url}/gameday/join/${session.code}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Ana', role: 'primary-on-call' }), signal: AbortSignal.timeout(10_000) });
    expect(joined.status).toBe(200);
    const { token } = (await joined.json()) as { token: string };

    // The owner routed the participant's token (its sha256) to the session's slot (the lease keeper).
    const reader = new PostgresDrillStore(postgres!.url);
    try {
      expect(reader.routeOf(sha256(token))).toBe(`session:${session.code}`);
    } finally {
      reader.close();
    }

    const onB = watch(b.url, token);
    await until("'me' and two views of the session on B", () => onB.me.length > 0 && onB.views.length >= 2, 2000 + 1500);
    expect(onB.me[0]!.me).toMatchObject({ name: 'Ana', role: 'primary-on-call' });
    expect(onB.me[0]!.at).toBeLessThan(2000);
    expect(onB.views[0]!.at).toBeLessThan(2000);
    const [first, second] = onB.views.map(({ view }) => view);
    expect(first!.session?.code).toBe(session.code);
    expect(first!.session?.participants.map((person) => person.name)).toEqual(['Ana']);
    // Realtime at x30: a second later the session's clock has moved on by about 30 simulated seconds.
    expect(second!.clock.simMs).toBeGreaterThan(first!.clock.simMs);
    process.stderr.write(`fleet-views: on B, 'me' after ${Math.round(onB.me[0]!.at)} ms, first view after ${Math.round(onB.views[0]!.at)} ms, second after ${Math.round(onB.views[1]!.at)} ms\n`);

    // On the owner's own main port, the same path serves a viewer.
    const onA = watch(a.url, token);
    await until("'me' and a view of the session on A", () => onA.me.length > 0 && onA.views.length > 0, 2000);
    expect(onA.me[0]!.me).toMatchObject({ name: 'Ana', role: 'primary-on-call' });
    expect(onA.views[0]!.view.session?.code).toBe(session.code);

    // Viewers keep getting the session's views, about once a second, and nothing of B's own drill.
    const seen = onB.views.length;
    await until('more views on B', () => onB.views.length >= seen + 2, 4000);
    expect(onB.views.every(({ view }) => view.session?.code === session.code)).toBe(true);

    const wrong = watch(b.url, `${token.slice(0, -2)}xx`);
    expect(await wrong.error).toMatch(/^unauthorized: this token is no one's in any live drill of this trainer/);
    expect(wrong.views).toHaveLength(0);

    // B's own drill is still viewed on B with B's admin token, unchanged.
    const own = watch(b.url, b.adminToken);
    await until("B's own drill on B", () => own.views.length > 0, 2000);
    expect(own.me[0]!.me).toBeNull();
    expect(own.views[0]!.view.session).toBeNull();
  });
});

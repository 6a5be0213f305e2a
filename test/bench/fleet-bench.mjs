// A fleet on PostgreSQL (issue 17): two `gameday serve --store` instances A and B on a real
// PostgreSQL that this script starts itself (initdb in a temp folder, loopback port; the same
// code as the e2e tests', test/e2e/support/postgres-cluster.mjs).
//  - fleetTakeover: N game-day sessions on A, each started with a participant joined; A killed
//    with SIGKILL; wall ms until the first and until every participant's `GET /trainer/state`,
//    sent to B's main port (its router forwards by the token), answers 200 again. Several runs.
//  - fleetLoad: sessions created through each instance, ticking at 1 Hz (realtime ×1), each
//    watched by socket.io viewers on A's and B's main ports in turn, so every session's views
//    reach the other instance through the PostgreSQL adapter; each instance's event-loop delay
//    p99 (its /gameday/stats reset, then read), views/s received, RSS, and PostgreSQL's
//    connections in use.
// Bounded in count and time, loopback only. Run alone with `node test/bench/fleet-bench.mjs`
// (knobs: TAKEOVER_SESSIONS, TAKEOVER_RUNS, FLEET_SESSIONS per instance, VIEWERS, BENCH_SECONDS,
// FLEET_PARTS=takeover,load; FLEET_NODE_ARGS for both instances' node; FLEET_CPU_PROF=<dir> profiles
// instance A of the load), or from `pnpm bench`.
import { fileURLToPath } from 'node:url';
import { io } from 'socket.io-client';
import { postgresBinDir, startPostgres } from '../e2e/support/postgres-cluster.mjs';
import { serveGameday } from './served-gameday.mjs';

const facilitator = 'bench-facilitator';
const scenarios = ['rollback-storm', 'memory-exhaustion', 'proof-backlog', 'state-corruption', 'stake-slashing'];
const wait = (ms) => new Promise((resolveWait) => setTimeout(resolveWait, ms));
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Why the fleet cannot be measured here (no PostgreSQL server binaries), or undefined. */
export function fleetUnavailable() {
  const bin = postgresBinDir();
  return 'missing' in bin ? bin.missing : undefined;
}

/** One `gameday serve --store` instance on loopback; resolves once it prints where it serves. */
function startInstance({ name, store, sessionPorts, nodeArgs = [] }) {
  return serveGameday({ name, nodeArgs, facilitator, args: ['--host', '127.0.0.1', '--public-host', '127.0.0.1', '--store', store, '--session-ports', sessionPorts] });
}

/** A session on `instance`, started, with `people` joined through that instance's join page; their tokens. */
async function openSession(instance, index, people) {
  const session = await instance.call('POST', '/gameday/sessions', { scenario: scenarios[index % scenarios.length], team: `team-${instance.name}-${index}`, seed: index + 1, speed: 1 });
  await instance.call('POST', `/gameday/sessions/${session.code}/start`);
  const tokens = [];
  for (let person = 0; person < people; person++) {
    const response = await fetch(`${instance.url}/gameday/join/${session.code}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: `person-${person}`, role: person === 0 ? 'incident-commander' : 'observer' }), signal: AbortSignal.timeout(30_000) });
    if (!response.ok) throw new Error(`join ${session.code}: ${response.status} ${await response.text()}`);
    tokens.push((await response.json()).token);
  }
  return { code: session.code, tokens };
}

/** 200 from the participant's view, asked of `url` (a main port: its router forwards by the token). */
async function answers(url, token) {
  try {
    const response = await fetch(`${url}/trainer/state`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

/**
 * Takeover after SIGKILL, `runs` times, each on a fresh database with fresh A and B: ms from A's
 * kill until the first, and until every, session answers through B's main port (polled every 100 ms).
 */
export async function fleetTakeover({ sessions = 20, runs = 3, limitMs = 30_000 } = {}) {
  const postgres = await startPostgres({ maxConnections: 100 });
  const measured = [];
  try {
    for (let run = 0; run < runs; run++) {
      const store = postgres.createDatabase(`takeover_${run}`);
      const a = await startInstance({ name: 'a', store, sessionPorts: '23400-23449' });
      let b;
      try {
        b = await startInstance({ name: 'b', store, sessionPorts: '23450-23499' });
        const opened = [];
        for (let index = 0; index < sessions; index++) opened.push(await openSession(a, index, 1));
        // Routed before the kill: B's router sends each participant to A's session server.
        for (const session of opened) if (!(await answers(b.url, session.tokens[0]))) throw new Error(`session ${session.code} does not answer through B before the kill`);
        await a.kill('SIGKILL');
        const killedAt = performance.now();
        const back = new Map();
        while (back.size < opened.length && performance.now() - killedAt < limitMs) {
          const pending = opened.filter((session) => !back.has(session.code));
          await Promise.all(pending.map(async (session) => {
            if (await answers(b.url, session.tokens[0])) back.set(session.code, performance.now() - killedAt);
          }));
          if (back.size < opened.length) await wait(100);
        }
        if (back.size < opened.length) throw new Error(`run ${run + 1}: ${opened.length - back.size} of ${opened.length} sessions did not answer through B within ${limitMs} ms of A's SIGKILL`);
        const times = [...back.values()];
        measured.push({ firstMs: Math.min(...times), allMs: Math.max(...times) });
      } finally {
        await a.stop('SIGKILL');
        await b?.stop();
      }
    }
  } finally {
    postgres.stop();
  }
  return { sessions, runs: measured, firstMs: median(measured.map((run) => run.firstMs)), allMs: median(measured.map((run) => run.allMs)) };
}

/** PostgreSQL's connections to the store's database now, by application name. */
function connectionsInUse(postgres) {
  const lines = postgres.psql('postgres', "SELECT coalesce(nullif(application_name, ''), '(none)') || '=' || count(*) FROM pg_stat_activity WHERE datname = 'gameday' GROUP BY application_name ORDER BY 1").trim().split('\n').filter(Boolean);
  const byApplication = Object.fromEntries(lines.map((line) => line.split('=')).map(([app, count]) => [app, Number(count)]));
  return { total: Object.values(byApplication).reduce((sum, count) => sum + count, 0), byApplication };
}

/**
 * `perInstance` sessions created through each of A and B at realtime ×1, `viewers` socket.io viewers
 * each on A's and B's main ports in turn; each instance's event-loop delay over `seconds`.
 * `nodeArgs` go to both instances' node (e.g. `--max-semi-space-size=32`, as docs/deploy.md runs them).
 */
export async function fleetLoad({ perInstance = 150, viewers = 5, seconds = 10, nodeArgs = [], cpuProfileDir } = {}) {
  const postgres = await startPostgres({ maxConnections: 100 });
  const instances = [];
  const sockets = [];
  try {
    const profile = cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfileDir] : [];
    instances.push(await startInstance({ name: 'a', store: postgres.url, sessionPorts: '23000-23199', nodeArgs: [...nodeArgs, ...profile] }));
    instances.push(await startInstance({ name: 'b', store: postgres.url, sessionPorts: '23200-23399', nodeArgs }));
    const received = new Map(instances.map((instance) => [instance.name, 0]));
    const firstView = [];
    const created = performance.now();
    // Both instances create their sessions at once; each session's viewers alternate between the
    // two main ports, starting on its owner's, so every session is watched on both instances.
    await Promise.all(instances.map(async (owner, ownerIndex) => {
      for (let index = 0; index < perInstance; index++) {
        const session = await openSession(owner, index * 2 + ownerIndex, viewers);
        session.tokens.forEach((token, viewer) => {
          const on = instances[(ownerIndex + viewer) % instances.length];
          const socket = io(on.url, { auth: { token }, transports: ['websocket'], reconnection: false, timeout: 30_000 });
          const viewed = new Promise((resolveView, reject) => {
            socket.once('view', resolveView);
            socket.once('connect_error', (error) => reject(new Error(`viewer of ${session.code} on ${on.name}: ${error.message}`)));
          });
          // Awaited once every session is open; until then a refusal must not count as unhandled.
          viewed.catch(() => undefined);
          firstView.push(viewed);
          socket.on('view', () => received.set(on.name, received.get(on.name) + 1));
          sockets.push(socket);
        });
      }
    }));
    // Every viewer has had a view (bounded), then a warm-up; measured from clean histograms.
    let timer;
    const allViewed = Promise.all(firstView);
    await Promise.race([allViewed, new Promise((_resolve, reject) => (timer = setTimeout(() => reject(new Error('not every viewer had a view within 60 s of the last session opening')), 60_000)))]).finally(() => clearTimeout(timer));
    const setupMs = performance.now() - created;
    await wait(3000);
    await Promise.all(instances.map((instance) => instance.call('GET', '/gameday/stats?reset=true')));
    const before = new Map(received);
    const cpuBefore = instances.map((instance) => instance.cpuSeconds());
    const benchCpuBefore = process.cpuUsage();
    const measureStarted = performance.now();
    await wait((seconds * 1000) / 2);
    const connections = connectionsInUse(postgres);
    await wait((seconds * 1000) / 2);
    const stats = await Promise.all(instances.map((instance) => instance.call('GET', '/gameday/stats')));
    const measuredSeconds = (performance.now() - measureStarted) / 1000;
    const cpuShare = (used, since) => (used === undefined || since === undefined ? undefined : (used - since) / measuredSeconds);
    const benchCpu = process.cpuUsage(benchCpuBefore);
    return {
      sessions: perInstance * instances.length,
      viewers: sockets.length,
      seconds: measuredSeconds,
      setupMs,
      connections,
      // Cores the viewers' own process used (1500 sockets parsing every view), beside the instances'.
      clientCores: (benchCpu.user + benchCpu.system) / 1e6 / measuredSeconds,
      instances: instances.map((instance, index) => ({
        name: instance.name,
        sessions: stats[index].sessions,
        p99: stats[index].eventLoopDelayMs.p99,
        p50: stats[index].eventLoopDelayMs.p50,
        max: stats[index].eventLoopDelayMs.max,
        resolutionMs: stats[index].eventLoopDelayMs.resolutionMs,
        rssMb: stats[index].rssBytes / 1e6,
        cores: cpuShare(instance.cpuSeconds(), cpuBefore[index]),
        viewsPerSecond: (received.get(instance.name) - before.get(instance.name)) / measuredSeconds,
      })),
    };
  } finally {
    for (const socket of sockets) socket.close();
    for (const instance of instances) await instance.stop();
    postgres.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const unavailable = fleetUnavailable();
  if (unavailable) {
    process.stdout.write(`fleet bench not run: ${unavailable}\n`);
    process.exit(0);
  }
  const parts = (process.env.FLEET_PARTS ?? 'takeover,load').split(',');
  if (parts.includes('takeover')) {
    const result = await fleetTakeover({ sessions: Number(process.env.TAKEOVER_SESSIONS ?? 20), runs: Number(process.env.TAKEOVER_RUNS ?? 3) });
    process.stdout.write(`${JSON.stringify({ takeover: result }, null, 2)}\n`);
  }
  if (parts.includes('load')) {
    const nodeArgs = (process.env.FLEET_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const result = await fleetLoad({ perInstance: Number(process.env.FLEET_SESSIONS ?? 150), viewers: Number(process.env.VIEWERS ?? 5), seconds: Number(process.env.BENCH_SECONDS ?? 10), nodeArgs, cpuProfileDir: process.env.FLEET_CPU_PROF });
    process.stdout.write(`${JSON.stringify({ load: { nodeArgs, ...result } }, null, 2)}\n`);
  }
}

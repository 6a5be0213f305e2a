// Game-day load: many concurrent sessions on one `gameday serve`, each ticking at 1 Hz
// simulated (realtime ×1) and watched by socket.io viewers; reports the server's event-loop
// delay p99 and memory. Bounded: SESSIONS × VIEWERS sockets, for BENCH_SECONDS × 2 seconds,
// on loopback only. Run alone with `node test/bench/game-day-bench.mjs`, or from `pnpm bench`.
import { fileURLToPath } from 'node:url';
import { io } from 'socket.io-client';
import { serveGameday } from './served-gameday.mjs';

export async function gameDayLoad({ sessions = 100, viewers = 5, seconds = 10 } = {}) {
  const facilitator = 'bench-facilitator';
  const server = await serveGameday({ name: 'game-day', facilitator, adminToken: 'bench-admin', startMs: 20_000 });
  const { url, call } = server;
  const sockets = [];
  let views = 0;
  try {
    const created = performance.now();
    const scenarios = ['rollback-storm', 'memory-exhaustion', 'proof-backlog', 'state-corruption', 'stake-slashing'];
    for (let index = 0; index < sessions; index++) {
      const session = await call('POST', '/gameday/sessions', { scenario: scenarios[index % scenarios.length], team: `team-${index}`, seed: index + 1, speed: 1 });
      await call('POST', `/gameday/sessions/${session.code}/start`);
      for (let viewer = 0; viewer < viewers; viewer++) {
        const joined = await (await fetch(`${url}/gameday/join/${session.code}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: `viewer-${viewer}`, role: viewer === 0 ? 'incident-commander' : 'observer' }) })).json();
        const socket = io(session.url, { auth: { token: joined.token }, transports: ['websocket'], reconnection: false });
        socket.on('view', () => views++);
        sockets.push(socket);
      }
    }
    await Promise.all(sockets.map((socket) => (socket.connected ? undefined : new Promise((resolveConnect, reject) => { socket.once('connect', resolveConnect); socket.once('connect_error', reject); }))));
    const setupMs = performance.now() - created;
    // Warm up, then measure from a clean event-loop histogram.
    await new Promise((resolveWait) => setTimeout(resolveWait, 3000));
    await call('GET', '/gameday/stats?reset=true');
    const viewsBefore = views;
    await new Promise((resolveWait) => setTimeout(resolveWait, seconds * 1000));
    const stats = await call('GET', '/gameday/stats');
    return { sessions: stats.sessions, viewers: stats.viewers, p99: stats.eventLoopDelayMs.p99, max: stats.eventLoopDelayMs.max, resolutionMs: stats.eventLoopDelayMs.resolutionMs, rssMb: stats.rssBytes / 1e6, viewsPerSecond: (views - viewsBefore) / seconds, setupMs };
  } finally {
    for (const socket of sockets) socket.close();
    await server.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await gameDayLoad({ sessions: Number(process.env.SESSIONS ?? 100), viewers: Number(process.env.VIEWERS ?? 5), seconds: Number(process.env.BENCH_SECONDS ?? 10) });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

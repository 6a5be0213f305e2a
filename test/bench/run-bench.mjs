// `pnpm bench`: measures side by side in one run and reports ratios, then writes BENCHMARKS.md.
// Every load loop is bounded in time and connections and talks to loopback only.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const gameday = join(root, 'packages', 'simulator', 'bin', 'gameday');
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
// Said beside the figures: on a shared machine the absolute numbers depend on it.
const loadAtStart = loadavg()[0];
const rows = [];
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
/** Every run's figure, in the order measured: shown beside each median, so a reader sees the spread. */
const runs = (values, digits = 0) => `runs: ${values.map((value) => value.toFixed(digits)).join(', ')}`;

function startChild(args, readyPattern) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ADMIN_TOKEN: 'bench-admin', FACILITATOR_TOKEN: 'bench-facilitator' } });
  return new Promise((resolveChild, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`child did not start: ${output}`)), 20_000);
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = readyPattern.exec(output);
      if (match) {
        clearTimeout(timer);
        resolveChild({ child, match });
      }
    });
    child.stderr.on('data', (chunk) => (output += chunk));
  });
}

async function stop(child) {
  const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
  child.kill('SIGTERM');
  await exited;
}

/** Wall ms from spawning `gameday serve` to the first 200 from /healthz. */
async function startToReady() {
  const port = 19400 + Math.floor(Math.random() * 500);
  const started = performance.now();
  const child = spawn(process.execPath, [gameday, 'serve', '--port', String(port), '--data-dir', join(root, '.gameday', 'bench'), '--log', 'silent'], {
    stdio: 'ignore',
    env: { ...process.env, ADMIN_TOKEN: 'bench-admin', FACILITATOR_TOKEN: 'bench-facilitator' },
  });
  for (let i = 0; i < 2000; i++) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  const elapsed = performance.now() - started;
  await stop(child);
  return elapsed;
}

function load(options) {
  return new Promise((resolveLoad, reject) => {
    autocannon({ connections: 10, duration: seconds, ...options }, (error, result) => {
      if (error) return reject(error);
      // A benchmark of error answers measures nothing: every request must have succeeded.
      if (result.non2xx > 0 || result.errors > 0) return reject(new Error(`${options.url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`));
      resolveLoad(result);
    });
  });
}


// A peer: Mockoon serving an equivalent static mock of the admin API (same routes, fixed answers).
const mockoonBin = join(root, 'node_modules', '.bin', 'mockoon-cli');
const mockoonEnv = join(root, '.gameday', 'bench', 'mockoon-admin.json');
{
  const { mkdirSync, writeFileSync } = await import('node:fs');
  mkdirSync(dirname(mockoonEnv), { recursive: true });
  const route = (n, method, endpoint, body, type) => ({
    uuid: `6f1b5c1e-0000-4000-8000-00000000010${n}`, type: 'http', documentation: '', method, endpoint, responseMode: null, streamingMode: null, streamingInterval: 0,
    responses: [{ uuid: `6f1b5c1e-0000-4000-8000-00000000020${n}`, body, latency: 0, statusCode: 200, label: '', headers: [{ key: 'Content-Type', value: type }], bodyType: 'INLINE', filePath: '', databucketID: '', sendFileAsBody: false, rules: [], rulesOperator: 'OR', disableTemplating: true, fallbackTo404: false, default: true, crudKey: 'id', callbacks: [] }],
  });
  const routes = [
    route(1, 'post', 'admin/config', '{"applied":{"speculation.max_depth":2},"previous":{"speculation.max_depth":4}}', 'application/json'),
    route(2, 'post', 'admin/speculation/drain', '{"status":"drained","drainedTasks":500,"remainingTasks":0}', 'application/json'),
    route(3, 'get', 'metrics', '# HELP speculation_active_tasks Speculative tasks in flight now.\n# TYPE speculation_active_tasks gauge\nspeculation_active_tasks 500\n', 'text/plain'),
  ];
  writeFileSync(mockoonEnv, JSON.stringify({
    uuid: '6f1b5c1e-0000-4000-8000-000000000001', lastMigration: 33, name: 'speculation admin API (static)', endpointPrefix: '', latency: 0, port: 3000, hostname: '127.0.0.1', folders: [],
    routes, rootChildren: routes.map((r) => ({ type: 'route', uuid: r.uuid })), proxyMode: false, proxyHost: '', proxyRemovePrefix: false,
    tlsOptions: { enabled: false, type: 'CERT', pfxPath: '', certPath: '', keyPath: '', caPath: '', passphrase: '' }, cors: false, headers: [], proxyReqHeaders: [], proxyResHeaders: [], data: [], callbacks: [],
  }));
}
async function mockoonStart(port) {
  const started = performance.now();
  // Request logging off (no log file; stdout and stderr discarded): gameday's side logs nothing
  // per request either, so neither side pays for writing a line per request.
  const child = spawn(mockoonBin, ['start', '--data', mockoonEnv, '--port', String(port), '--disable-log-to-file'], { stdio: 'ignore' });
  for (let i = 0; i < 3000; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/metrics`).then((response) => response.ok, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 2));
  }
  return { child, elapsed: performance.now() - started };
}
// Interleaved, so that a noisy stretch of the machine hits both sides alike.
const readyTimes = [];
const mockoonTimes = [];
for (let i = 0; i < 7; i++) {
  readyTimes.push(await startToReady());
  const { child, elapsed } = await mockoonStart(19600 + i);
  mockoonTimes.push(elapsed);
  await stop(child);
}
const ready = median(readyTimes);
const mockoonReady = median(mockoonTimes);
rows.push({ name: 'start to ready (gameday serve → /healthz 200), median of 7', value: `${ready.toFixed(0)} ms (${runs(readyTimes)})`, command: 'pnpm bench (startToReady)' });
rows.push({ name: 'start to ready, Mockoon CLI serving the same routes statically, median of 7 (interleaved with the above)', value: `${mockoonReady.toFixed(0)} ms (${runs(mockoonTimes)})`, command: 'mockoon-cli start --disable-log-to-file --data .gameday/bench/mockoon-admin.json' });
rows.push({ name: 'start-up: Mockoon / gameday (goal ≥ 2)', value: (mockoonReady / ready).toFixed(2), command: '' });

// Virtual-time speed: 60 simulated minutes of each scenario, in process (after one warm-up run).
const { Drill, scenarioIds } = await import('../../packages/simulator/dist/index.js');
for (const scenario of scenarioIds) {
  const hour = () => {
    const drill = new Drill({ scenario, seed: 7, clock: 'virtual', speed: 1, difficulty: 'normal' });
    drill.start();
    const started = performance.now();
    drill.clock.advanceBy(3_600_000);
    const elapsed = performance.now() - started;
    drill.stop();
    return elapsed;
  };
  hour();
  const walls = [hour(), hour(), hour()];
  const wall = median(walls);
  rows.push({ name: `60 simulated minutes of ${scenario}, median of 3 (goal < 200 ms)`, value: `${wall.toFixed(0)} ms (${Math.round(3600 / (wall / 1000)).toLocaleString('en-US')} sim s per wall s; ${runs(walls)})`, command: 'pnpm bench (virtual hour)' });
}

// Finishing and scoring a 90-minute drill: the score's counterfactual runs (no responder, the
// ideal path, the drill replayed from its journal) simulated from cold, each to the horizon.
{
  const { SqliteDrillStore, finishDrill, clearCounterfactualCache, applyIntent } = await import('../../packages/simulator/dist/index.js');
  const store = new SqliteDrillStore(':memory:');
  const incidents = scenarioIds.filter((scenario) => scenario !== 'baseline');
  const finishes = [];
  for (const scenario of incidents) {
    const finish = () => {
      const drill = new Drill({ scenario, seed: 7, clock: 'virtual', speed: 1, difficulty: 'normal' });
      drill.start();
      // Half an hour in, the Immediate Actions' first change; the drill ends at 90 minutes.
      drill.clock.advanceBy(30 * 60_000);
      applyIntent(drill, { kind: 'config', changes: { 'speculation.enabled': false } });
      drill.clock.advanceTo(90 * 60_000);
      clearCounterfactualCache();
      const started = performance.now();
      const finished = finishDrill(drill, store);
      const elapsed = performance.now() - started;
      drill.stop();
      return { elapsed, horizon: finished.score.outcome ? finished.score.outcome.horizonMs / 60_000 : 90 };
    };
    finish();
    const measured = [finish(), finish(), finish()];
    finishes.push({ scenario, wall: median(measured.map((run) => run.elapsed)), walls: measured.map((run) => run.elapsed), horizon: measured[0].horizon });
  }
  store.close();
  const slowest = finishes.reduce((worst, next) => (next.wall > worst.wall ? next : worst));
  rows.push({
    name: 'finish and score a 90-minute drill, counterfactual runs from cold (no responder, ideal path, replay), slowest incident, median of 3 (goal < 500 ms)',
    value: `${slowest.wall.toFixed(0)} ms (${slowest.scenario}, measured to minute ${slowest.horizon}; ${runs(slowest.walls)}); ${finishes.map((finish) => `${finish.scenario} ${finish.wall.toFixed(0)} (${finish.walls.map((wall) => wall.toFixed(0)).join(', ')})`).join(', ')} ms`,
    command: 'pnpm bench (finish and score)',
  });
}

// Replay: a 60-minute drill rebuilt from its input log (what `gameday serve` does at start-up for
// a live drill), checkpoints compared on the way, cold each time.
{
  const { advanceClock, applyIntent, liveOptions, replayDrill } = await import('../../packages/simulator/dist/index.js');
  const inputs = [];
  const drill = new Drill({ scenario: 'rollback-storm', seed: 7, clock: 'virtual', speed: 1, difficulty: 'normal' });
  drill.attachInputs({ append: (input) => inputs.push(input), count: () => inputs.length, checkpointDue: () => inputs.length % 32 === 0 });
  drill.start();
  drill.clock.advanceBy(20 * 60_000);
  applyIntent(drill, { kind: 'config', changes: { 'speculation.enabled': false } });
  drill.clock.advanceBy(5 * 60_000);
  applyIntent(drill, { kind: 'drain' });
  // As `POST /_sim/clock/advance` does: the skip is an input, so the replay runs the whole hour.
  advanceClock(drill, 60 * 60_000 - drill.clock.now());
  const options = liveOptions(drill);
  drill.stop();
  const replay = () => {
    const started = performance.now();
    const { drill: rebuilt, divergence } = replayDrill(options, inputs);
    const ms = performance.now() - started;
    rebuilt.stop();
    if (divergence) throw new Error(`replay diverged at input ${divergence.index}: ${divergence.parts.join(', ')}`);
    if (rebuilt.clock.now() !== 60 * 60_000) throw new Error(`replay ended at ${rebuilt.clock.now()} ms, not at the hour`);
    return ms;
  };
  replay();
  replay();
  const replays = [replay(), replay(), replay(), replay(), replay()];
  rows.push({ name: `replaying a 60-minute drill (rollback-storm, ${inputs.length} inputs) from its input log, checkpoints compared, cold, median of 5 after 2 warm-ups (goal < 100 ms)`, value: `${median(replays).toFixed(0)} ms (${runs(replays)})`, command: 'pnpm bench (replay)' });
}

// gameday check on the seed runbook, simulator start included; and the share that is only the
// start-up of the tools its steps run (12 agenc, 3 kubectl, 10 curl), each timed on its own.
function timed(command, args, env = process.env) {
  const started = performance.now();
  const result = spawnSync(command, args, { env, stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}`);
  return performance.now() - started;
}
const runbook = join(root, 'scenarios', 'runbooks', 'speculation-incident-response.md');
timed(process.execPath, [gameday, 'check', runbook]);
const checkWalls = [0, 1, 2].map(() => timed(process.execPath, [gameday, 'check', runbook]));
const checkWall = median(checkWalls);
const agencStart = median([0, 1, 2, 3, 4].map(() => timed(process.execPath, [join(root, 'packages', 'simulator', 'bin', 'agenc'), '--version'])));
const kubectlStart = median([0, 1, 2, 3, 4].map(() => timed('kubectl', ['version', '--client'])));
const curlStart = median([0, 1, 2, 3, 4].map(() => timed('curl', ['--version'])));
const toolsShare = 12 * agencStart + 3 * kubectlStart + 10 * curlStart;
rows.push({ name: 'gameday check on the seed runbook, 36 steps, simulators included, median of 3 (goal < 2.5 s)', value: `${(checkWall / 1000).toFixed(2)} s (${runs(checkWalls.map((wall) => wall / 1000), 2)} s)`, command: 'gameday check scenarios/runbooks/speculation-incident-response.md' });
rows.push({
  name: 'of which tool start-up: 12 agenc + 3 kubectl + 10 curl',
  value: `${(toolsShare / 1000).toFixed(2)} s (agenc ${agencStart.toFixed(0)} ms, kubectl ${kubectlStart.toFixed(0)} ms, curl ${curlStart.toFixed(0)} ms each); ours ${((checkWall - toolsShare) / 1000).toFixed(2)} s`,
  command: 'agenc --version; kubectl version --client; curl --version',
});

// The trainer UI: built JS and CSS gzipped, and time until the lobby is interactive in headless
// Chromium on localhost (navigation to the first enabled Practice button).
{
  const { readdirSync, readFileSync } = await import('node:fs');
  const { gzipSync } = await import('node:zlib');
  const assets = join(root, 'packages', 'trainer-ui', 'dist', 'assets');
  let jsGzip = 0;
  let cssGzip = 0;
  for (const name of readdirSync(assets)) {
    const size = gzipSync(readFileSync(join(assets, name))).length;
    if (name.endsWith('.js')) jsGzip += size;
    if (name.endsWith('.css')) cssGzip += size;
  }
  rows.push({ name: 'trainer UI built JS, gzip (all chunks; xterm loads on the drill page) (goal < 300 KB)', value: `${(jsGzip / 1024).toFixed(0)} KB JS + ${(cssGzip / 1024).toFixed(0)} KB CSS`, command: 'pnpm build; gzip -c packages/trainer-ui/dist/assets/*' });
  const { chromium } = await import('playwright-core');
  const port = 19950 + Math.floor(Math.random() * 40);
  const server = spawn(process.execPath, [gameday, 'serve', '--port', String(port), '--data-dir', join(root, '.gameday', 'bench'), '--log', 'silent'], {
    stdio: 'ignore',
    env: { ...process.env, ADMIN_TOKEN: 'bench-admin', FACILITATOR_TOKEN: 'bench-facilitator' },
  });
  for (let i = 0; i < 500; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((response) => response.ok, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  const times = [];
  for (let i = 0; i < 5; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const started = performance.now();
    await page.goto(`http://127.0.0.1:${port}/#token=bench-admin`);
    await page.getByRole('button', { name: 'Practice Healthy baseline' }).waitFor();
    times.push(performance.now() - started);
    await context.close();
  }
  await browser.close();
  await stop(server);
  rows.push({ name: 'trainer UI: lobby interactive in headless Chromium, median of 5 (goal < 300 ms)', value: `${median(times).toFixed(0)} ms (${runs(times)})`, command: 'playwright-core: goto / until the Practice buttons show' });
}

const { child, match } = await startChild([join(root, 'test', 'bench', 'bench-server.mjs')], /(\{.*\})\n/);
const ports = JSON.parse(match[1]);
const post = {
  method: 'POST',
  headers: { authorization: 'Bearer bench-admin', 'content-type': 'application/x-www-form-urlencoded' },
  body: '{"speculation.max_depth": 2, "speculation.features.rollout_percentage": 50}',
};
// Mockoon beside it: an equivalent static mock of the same route, request logging off.
const { child: mockoon } = await mockoonStart(19690);
const mockoonUrl = 'http://127.0.0.1:19690/admin/config';
// Interleave the measurements, and take the ratios per round, so drift on a noisy machine hits
// every side alike; report the median round. Every side, Mockoon included, gets the same
// warm-up first (JIT, caches, so the first round does not measure compilation) and the same rounds.
for (const url of [`http://127.0.0.1:${ports.app}/admin/config`, `http://127.0.0.1:${ports.app}/bench/trivial`, `http://127.0.0.1:${ports.trivial}/admin/config`, mockoonUrl]) await load({ url, ...post, duration: 2 });
const sides = { admin: [], ownTrivial: [], bareTrivial: [], mockoon: [] };
const ratios = { own: [], bare: [], mockoon: [] };
for (let round = 0; round < 3; round++) {
  const admin = (await load({ url: `http://127.0.0.1:${ports.app}/admin/config`, ...post })).requests.average;
  const ownTrivial = (await load({ url: `http://127.0.0.1:${ports.app}/bench/trivial`, ...post })).requests.average;
  const bareTrivial = (await load({ url: `http://127.0.0.1:${ports.trivial}/admin/config`, ...post })).requests.average;
  const mockoonRps = (await load({ url: mockoonUrl, ...post })).requests.average;
  sides.admin.push(admin);
  sides.ownTrivial.push(ownTrivial);
  sides.bareTrivial.push(bareTrivial);
  sides.mockoon.push(mockoonRps);
  ratios.own.push(admin / ownTrivial);
  ratios.bare.push(admin / bareTrivial);
  ratios.mockoon.push(admin / mockoonRps);
}
await stop(mockoon);
const rounds = (values, digits = 2) => values.map((value) => value.toFixed(digits)).join(', ');
rows.push({ name: 'admin POST /admin/config req/s (validated, applied, journaled), median of 3 rounds', value: `${median(sides.admin).toFixed(0)} req/s (rounds: ${rounds(sides.admin, 0)})`, command: 'autocannon -c 10 POST /admin/config' });
rows.push({ name: 'trivial POST route in our server (same plugins and hooks)', value: `${median(sides.ownTrivial).toFixed(0)} req/s (rounds: ${rounds(sides.ownTrivial, 0)})`, command: 'autocannon -c 10 POST /bench/trivial' });
rows.push({ name: 'ratio admin POST / our trivial route, median of 3 interleaved rounds (goal ≥ 0.7)', value: `${median(ratios.own).toFixed(2)} (rounds: ${rounds(ratios.own)})`, command: '' });
rows.push({ name: 'bare Fastify POST route (no plugins), same process', value: `${median(sides.bareTrivial).toFixed(0)} req/s (rounds: ${rounds(sides.bareTrivial, 0)})`, command: 'autocannon -c 10 (bench-server.mjs bare route)' });
rows.push({ name: 'ratio admin POST / bare Fastify route (stricter)', value: `${median(ratios.bare).toFixed(2)} (rounds: ${rounds(ratios.bare)})`, command: '' });
rows.push({ name: 'Mockoon POST /admin/config req/s (static answer, request logging off), same warm-up and rounds', value: `${median(sides.mockoon).toFixed(0)} req/s (rounds: ${rounds(sides.mockoon, 0)})`, command: 'autocannon -c 10 POST /admin/config (mockoon-cli --disable-log-to-file, stdout discarded)' });
rows.push({ name: 'admin POST: gameday / Mockoon, median of 3 interleaved rounds (goal ≥ 10)', value: `${median(ratios.mockoon).toFixed(1)} (rounds: ${rounds(ratios.mockoon, 1)})`, command: '' });

// Three runs, the median reported: one run's p99 on these machines can catch a stray pause.
const scrapes = [];
for (let run = 0; run < 3; run++) scrapes.push((await load({ url: `http://127.0.0.1:${ports.app}/metrics`, connections: 4 })).latency);
const scrapeP99 = scrapes.map((latency) => latency.p99);
rows.push({
  name: '/metrics scrape latency p50 / p99 (full metric set, 4 concurrent scrapers), median of 3 runs (goal p99 < 5 ms)',
  value: `${median(scrapes.map((latency) => latency.p50))} ms / ${median(scrapeP99)} ms (runs' p99: ${scrapeP99.join(', ')} ms)`,
  command: 'autocannon -c 4 GET /metrics',
});
await stop(child);

{
  const { gameDayLoad } = await import('./game-day-bench.mjs');
  const load100 = await gameDayLoad({ sessions: 100, viewers: 5, seconds: seconds * 2 });
  rows.push({
    name: `game-day load: ${load100.sessions} concurrent sessions ticking at 1 Hz, ${load100.viewers} socket.io viewers (${load100.viewsPerSecond.toFixed(0)} views/s): event-loop delay p99 (goal < 20 ms)`,
    value: `${load100.p99.toFixed(2)} ms (max ${load100.max.toFixed(2)} ms; histogram resolution ${load100.resolutionMs} ms, p99 as measured)`,
    command: 'node test/bench/game-day-bench.mjs',
  });
  rows.push({ name: 'game-day load: server RSS with those 100 sessions and 500 viewers (goal < 500 MB)', value: `${load100.rssMb.toFixed(0)} MB`, command: 'node test/bench/game-day-bench.mjs' });
}

{
  // A fleet on PostgreSQL (issue 17): takeover after SIGKILL, and many drills watched across two instances.
  const { fleetUnavailable, fleetTakeover, fleetLoad } = await import('./fleet-bench.mjs');
  const unavailable = fleetUnavailable();
  if (unavailable) {
    rows.push({ name: 'fleet on PostgreSQL (takeover, 300 drills across two instances)', value: `not measured: ${unavailable}`, command: 'node test/bench/fleet-bench.mjs' });
  } else {
    const takeover = await fleetTakeover({ sessions: Number(process.env.TAKEOVER_SESSIONS ?? 20), runs: Number(process.env.TAKEOVER_RUNS ?? 5) });
    const count = takeover.runs.length;
    rows.push({
      name: `takeover after SIGKILL: ${takeover.sessions} game-day sessions on A, every one answering through B's main port again (a participant's GET /trainer/state, routed), median of ${count} runs (goal < 10 s)`,
      value: `${(takeover.allMs / 1000).toFixed(2)} s (${runs(takeover.runs.map((run) => run.allMs / 1000), 2)} s); the first ${(takeover.firstMs / 1000).toFixed(2)} s (${runs(takeover.runs.map((run) => run.firstMs / 1000), 2)} s)`,
      command: 'node test/bench/fleet-bench.mjs (FLEET_PARTS=takeover)',
    });
    // As `gameday serve` starts by default, then as docs/deploy.md runs it (young generation of 32 MB).
    for (const nodeArgs of [[], ['--max-semi-space-size=32']]) {
      const fleet = await fleetLoad({ perInstance: Number(process.env.FLEET_SESSIONS ?? 150), viewers: Number(process.env.VIEWERS ?? 5), seconds: seconds * 2, nodeArgs });
      for (const instance of fleet.instances) {
        rows.push({
          name: `fleet load: ${fleet.sessions} drills ticking at 1 Hz on PostgreSQL (${instance.sessions} on ${instance.name.toUpperCase()}), ${fleet.viewers} socket.io viewers on A's and B's main ports in turn${nodeArgs.length > 0 ? `, node ${nodeArgs.join(' ')}` : ''}: instance ${instance.name.toUpperCase()}'s event-loop delay p99 (goal < 20 ms)`,
          value: `${instance.p99.toFixed(2)} ms (p50 ${instance.p50.toFixed(2)}, max ${instance.max.toFixed(2)} ms; resolution ${instance.resolutionMs} ms, p99 as measured); ${instance.viewsPerSecond.toFixed(0)} views/s to its viewers; RSS ${instance.rssMb.toFixed(0)} MB${instance.cores === undefined ? '' : `; ${instance.cores.toFixed(2)} cores used`}`,
          command: `node test/bench/fleet-bench.mjs (FLEET_PARTS=load${nodeArgs.length > 0 ? ` FLEET_NODE_ARGS=${nodeArgs.join(' ')}` : ''})`,
        });
      }
      if (nodeArgs.length === 0) rows.push({ name: "fleet load: PostgreSQL's connections in use by the two instances", value: `${fleet.connections.total} (${Object.entries(fleet.connections.byApplication).map(([app, n]) => `${app} ${n}`).join(', ')})`, command: 'node test/bench/fleet-bench.mjs (FLEET_PARTS=load)' });
    }
  }
}

{
  // The terminal's sandbox: what bubblewrap adds to one line, sandboxed and direct side by side.
  const { sandboxCost } = await import('./sandbox-bench.mjs');
  const { sandbox, results } = await sandboxCost({ rounds: 30 });
  if (results.length === 0) rows.push({ name: 'terminal line: sandbox cost', value: `not measured: ${sandbox}`, command: 'node test/bench/sandbox-bench.mjs' });
  for (const result of results) {
    rows.push({
      name: `terminal line \`${result.command}\`: added by the sandbox, median of ${result.rounds} interleaved rounds' differences (goal < 15 ms)`,
      value: `${result.added.toFixed(1)} ms (medians: sandboxed ${result.sandboxed.toFixed(1)} ms, direct ${result.direct.toFixed(1)} ms)`,
      command: 'node test/bench/sandbox-bench.mjs',
    });
  }
}

const begin = '<!-- pnpm bench writes from here -->';
const end = '<!-- pnpm bench writes up to here -->';
const table = [
  '| measurement | result | reproduce |',
  '| --- | --- | --- |',
  ...rows.map((row) => `| ${row.name} | ${row.value} | ${row.command ? `\`${row.command}\`` : ''} |`),
].join('\n');
// Only the part between the markers is this run's: the sections written by hand around it
// (figures measured by their own tests) stay as they are.
const generated = `${begin}\nMeasured by \`pnpm bench\` on ${new Date().toISOString().slice(0, 10)} (${process.platform}, Node ${process.version}, ${seconds} s per load run, loopback only). Ratios are measured side by side in one run; absolute numbers vary with the machine. Load average ${loadAtStart.toFixed(1)} when the run began and ${loadavg()[0].toFixed(1)} when it ended.\n\n${table}\n${end}`;
const file = join(root, 'BENCHMARKS.md');
const previous = existsSync(file) ? readFileSync(file, 'utf8') : '';
const from = previous.indexOf(begin);
const to = previous.indexOf(end);
const report = from >= 0 && to > from ? `${previous.slice(0, from)}${generated}${previous.slice(to + end.length)}` : `# Benchmarks\n\n${generated}\n${previous.replace(/^# Benchmarks\n+/, '\n')}`;
writeFileSync(file, report);
process.stdout.write(`${table}\n\nwritten to BENCHMARKS.md\n`);

/**
 * The folders a drill runs in, and what a trainee's shell needs to reach the drill with the
 * runbook's commands unmodified: a kubeconfig for the fake cluster, a `.curlrc` that sends
 * `localhost:9090` to the drill's real port, the runbook's `scripts/speculation-health.sh`, and
 * the serve record, from which `gameday env` prints the export lines.
 *
 * Each terminal user (the admin, each game-day participant) has a folder of their own, the only
 * one the in-browser terminal lets them write. Everything their tools read as settings, and
 * every token, lives outside all of those folders, under `<data>/private/` (0700, files 0600):
 *
 *   <data>/drills/<port>/participants/<user>/        the user's folder: their cwd
 *   <data>/drills/<port>/participants/<user>/scripts/ a copy of the runbook's scripts
 *   <data>/private/serve/<port>.json                 the serve record (admin and facilitator tokens)
 *   <data>/private/drills/<port>/scripts/            the server's scripts, bound read-only over each
 *                                                    user's scripts/ in the terminal's sandbox
 *   <data>/private/drills/<port>/curl/.curlrc        connect-to for a user's own shell (CURL_HOME)
 *   <data>/private/drills/<port>/users/<user>/       kubeconfig (token in its server path),
 *                                                    terminal-kubeconfig (the in-browser terminal's),
 *                                                    kube-cache/, home/ (HOME without a sandbox)
 *
 * `<user>` is `admin` for the admin token and the participant's id in a game-day.
 *
 * Where a user's own tools reach the drill is the record's `url`: the drill's own server, or in a
 * fleet (several instances on one store, `--public-host`) the public main address, whose router
 * forwards to whichever instance runs the drill; their `.curlrc` then also names the drill's slot
 * (`X-Gameday-Drill`), since a plain `curl localhost:9090/metrics` carries no token to route by.
 * The in-browser terminal runs where the drill runs and talks to its server directly (`serverUrl`).
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The port the runbook's commands name. */
export const runbookPort = 9090;

export interface ServeRecord {
  pid: number;
  host: string;
  port: number;
  /** Where the holder's own tools reach the drill: its server, or in a fleet the public main address. */
  url: string;
  /** Where the drill's server listens, as this machine reaches it: the in-browser terminal's programs talk to it. */
  serverUrl: string;
  /** The holder's token: the admin's, or in participantRecord a participant's. */
  adminToken: string;
  facilitatorToken: string;
  /** The drill folder; each user's own folder is under its `participants/`. */
  drillDir: string;
  /** This drill's settings and tokens, outside every drill folder. */
  privateDir: string;
  /** The holder's own folder: their working directory, the one the terminal lets them write. */
  workDir: string;
  /** The holder's kubeconfig, with their token in the server's path (at `url`). */
  kubeconfig: string;
  /** The same for the in-browser terminal, at `serverUrl`. */
  terminalKubeconfig: string;
  kubeCacheDir: string;
  /** HOME for the holder's tools when they run without a sandbox. */
  homeDir: string;
  /** CURL_HOME for a user's own shell: its `.curlrc` sends localhost:9090 to the drill. */
  curlHome: string;
  /** The server's copy of the runbook's scripts, which a user's folder shows read-only in the terminal. */
  scriptsDir: string;
  binDir: string;
  startedAt: string;
}

/**
 * `packages/simulator/bin`, where `gameday` and `agenc` live. Found by walking up from this
 * module, which is `dist/gameday.js` when bundled and `src/drill/` under the test runner.
 */
export function simulatorBinDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, 'bin', 'agenc'))) return join(dir, 'bin');
    dir = dirname(dir);
  }
  throw new Error('cannot find the simulator bin folder (packages/simulator/bin)');
}

/**
 * The team's runbook that the trainer UI shows beside the terminal (`gameday serve --runbook`
 * names another): the repository's copy of the speculation runbook.
 */
export function defaultRunbookPath(): string {
  return resolve(simulatorBinDir(), '..', '..', '..', 'scenarios', 'runbooks', 'speculation-incident-response.md');
}

/** The data folder: `$GAMEDAY_DATA_DIR`, else `.gameday` at the repository root. */
export function defaultDataDir(): string {
  return process.env.GAMEDAY_DATA_DIR ?? resolve(simulatorBinDir(), '..', '..', '..', '.gameday');
}

export function serveRecordPath(dataDir: string, port: number): string {
  return join(dataDir, 'private', 'serve', `${port}.json`);
}

const healthScript = `#!/usr/bin/env bash
# speculation-health.sh: a one-screen health check of the speculation service.
# Exit status: 0 when the service could be assessed (read the report), 2 when it could not be reached.
set -uo pipefail
url="\${AGENC_URL:-http://localhost:9090}"
echo "== speculation health at $(date -u +%Y-%m-%dT%H:%M:%SZ)"
agenc admin status --component speculation || exit 2
echo
echo "== key metrics"
curl -fsS "$url/metrics" | grep -E '^(speculation_(rollback_rate|active_tasks|stuck_tasks|config_enabled|snapshots)|proof_queue_depth|proof_workers_ready|stake_balance_tokens) ' || exit 2
echo
echo "== speculation pods"
kubectl get pods -n production -l component=speculation || exit 2
`;

/** kubectl sends no token over plain http, so the holder's token rides in the server's path (`/as/<token>`). */
function kubeconfig(url: string, token: string): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: gameday
  cluster:
    server: ${url}/as/${encodeURIComponent(token)}
contexts:
- name: gameday
  context:
    cluster: gameday
    user: gameday-trainee
    namespace: production
current-context: gameday
users:
- name: gameday-trainee
  user: {}
`;
}

/** A private folder: made if missing, and 0700 whatever the umask or an earlier run left. */
function privateFolder(path: string): string {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  chmodSync(path, 0o700);
  return path;
}

/** The admin's user id; participants' ids are 8 hex digits, so they never meet it. */
export const adminUser = 'admin';

/** Where one user's folder and settings are. */
function userPaths(record: Pick<ServeRecord, 'drillDir' | 'privateDir'>, userId: string): Pick<ServeRecord, 'workDir' | 'kubeconfig' | 'terminalKubeconfig' | 'kubeCacheDir' | 'homeDir'> {
  if (!/^[a-z0-9]{1,32}$/.test(userId)) throw new Error(`a user id is 1 to 32 lower-case letters and digits (got "${userId}")`);
  const own = join(record.privateDir, 'users', userId);
  return { workDir: join(record.drillDir, 'participants', userId), kubeconfig: join(own, 'kubeconfig'), terminalKubeconfig: join(own, 'terminal-kubeconfig'), kubeCacheDir: join(own, 'kube-cache'), homeDir: join(own, 'home') };
}

/**
 * Makes one user's folder (kept if it exists: their saved files stay) with a fresh copy of the
 * scripts, and privately their kubeconfig, kubectl cache and home. The drill folder must exist:
 * a join into a session whose folder is gone fails here, before anything is recorded.
 */
function writeUser(record: ServeRecord): void {
  if (!existsSync(record.workDir)) mkdirSync(record.workDir, { mode: 0o700 });
  const scripts = join(record.workDir, 'scripts');
  rmSync(scripts, { recursive: true, force: true });
  mkdirSync(scripts);
  for (const name of readdirSync(record.scriptsDir)) copyFileSync(join(record.scriptsDir, name), join(scripts, name));
  privateFolder(dirname(record.kubeconfig));
  privateFolder(record.kubeCacheDir);
  privateFolder(record.homeDir);
  for (const [path, url] of [
    [record.kubeconfig, record.url],
    [record.terminalKubeconfig, record.serverUrl],
  ] as const) {
    writeFileSync(path, kubeconfig(url, record.adminToken), { mode: 0o600 });
    chmodSync(path, 0o600);
  }
}

/**
 * A game-day participant's own folder and kubeconfig (their token in its server path), so their
 * kubectl calls are theirs in the journal and an observer's are refused.
 */
export function writeParticipantWorkspace(record: ServeRecord, participantId: string, token: string): ServeRecord {
  const own = participantRecord(record, participantId, token);
  writeUser(own);
  return own;
}

/** A drill's record as one game-day participant sees it: their token, folder and kubeconfig. */
export function participantRecord(record: ServeRecord, participantId: string, token: string): ServeRecord {
  return { ...record, adminToken: token, ...userPaths(record, participantId) };
}

/** What an older layout kept in the drill folder itself: settings and tokens, now kept privately. */
function isLegacyEntry(name: string): boolean {
  return ['.curlrc', 'kubeconfig', 'home', 'kube-cache', 'scripts'].includes(name) || name.startsWith('kubeconfig-');
}

/** In a fleet: the public main address users' tools reach the drill through, and the drill's slot, which the router forwards by. */
export interface RoutedAddress {
  url: string;
  slot: string;
}

/** The header a fleet's router reads a drill's slot from, when a request carries no token (`curl localhost:9090/metrics`). */
export const drillSlotHeader = 'X-Gameday-Drill';

/** A `.curlrc`: `connect-to` lines that send the runbook's `localhost:9090` to `url` (none when it is that already), and in a fleet the slot's header. */
function curlrc(url: URL, slot: string | undefined): string {
  const port = Number(url.port || 80);
  const local = port === runbookPort && ['127.0.0.1', 'localhost'].includes(url.hostname);
  const lines = local ? [] : curlConnectTo(url.hostname, port).map((line) => `connect-to = ${line}`);
  if (slot !== undefined) lines.push(`header = "${drillSlotHeader}: ${slot}"`);
  return lines.map((line) => `${line}\n`).join('');
}

/**
 * Lays out the folders for a server on `port` (see the top of this file), with the admin's own,
 * and writes the serve record. The `.curlrc` maps the runbook's fixed `localhost:9090` to the
 * real port with curl's `connect-to`, so commands need no editing. With `routed` (a fleet), the
 * users' settings point at the public address instead, and the `.curlrc` names the slot.
 */
export function writeDrillWorkspace(options: { dataDir: string; host: string; port: number; adminToken: string; facilitatorToken: string; routed?: RoutedAddress | undefined }): ServeRecord {
  const drillDir = join(options.dataDir, 'drills', String(options.port));
  const privateRoot = privateFolder(join(options.dataDir, 'private'));
  privateFolder(join(privateRoot, 'serve'));
  privateFolder(join(privateRoot, 'drills'));
  const privateDir = privateFolder(join(privateRoot, 'drills', String(options.port)));
  mkdirSync(join(drillDir, 'participants'), { recursive: true });
  for (const name of readdirSync(drillDir).filter(isLegacyEntry)) rmSync(join(drillDir, name), { recursive: true, force: true });
  const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const serverUrl = `http://${urlHost}:${options.port}`;
  const url = options.routed?.url ?? serverUrl;
  const curlHome = privateFolder(join(privateDir, 'curl'));
  writeFileSync(join(curlHome, '.curlrc'), curlrc(new URL(url), options.routed?.slot), { mode: 0o600 });
  const scriptsDir = privateFolder(join(privateDir, 'scripts'));
  writeFileSync(join(scriptsDir, 'speculation-health.sh'), healthScript, { mode: 0o755 });
  chmodSync(join(scriptsDir, 'speculation-health.sh'), 0o755);
  const base = { drillDir, privateDir };
  const record: ServeRecord = {
    pid: process.pid,
    host,
    port: options.port,
    url,
    serverUrl,
    adminToken: options.adminToken,
    facilitatorToken: options.facilitatorToken,
    ...base,
    ...userPaths(base, adminUser),
    curlHome,
    scriptsDir,
    binDir: simulatorBinDir(),
    startedAt: new Date().toISOString(),
  };
  writeUser(record);
  writeFileSync(serveRecordPath(options.dataDir, options.port), `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  return record;
}

/**
 * curl's `connect-to` values that send the runbook's `localhost:9090` (and `127.0.0.1:9090`) to
 * the drill's host (as a URL writes it: IPv6 in brackets) and port.
 */
export function curlConnectTo(urlHost: string, port: number): string[] {
  return ['localhost', '127.0.0.1'].map((name) => `${name}:${runbookPort}:${urlHost}:${port}`);
}

export function removeServeRecord(dataDir: string, port: number): void {
  const path = serveRecordPath(dataDir, port);
  try {
    const record = JSON.parse(readFileSync(path, 'utf8')) as ServeRecord;
    if (record.pid === process.pid) rmSync(path);
  } catch {
    // Already gone, or not ours: nothing to clean.
  }
}

/**
 * The environment `gameday check` runs the runbook's steps in (real bash, the operator's own
 * runbook): the drill's tools first on PATH, the admin's token, kubeconfig and curl settings, and
 * a HOME of its own so nothing of the host user's shell set-up leaks in. The in-browser terminal
 * does not use it: its programs get their settings on the command line (terminal-runner.ts).
 */
export function drillEnvironment(record: ServeRecord): NodeJS.ProcessEnv {
  return {
    PATH: `${record.binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    HOME: record.homeDir,
    LANG: process.env.LANG ?? 'C.UTF-8',
    ADMIN_TOKEN: record.adminToken,
    KUBECONFIG: record.kubeconfig,
    KUBECACHEDIR: record.kubeCacheDir,
    AGENC_URL: record.url,
    CURL_HOME: record.curlHome,
  };
}

/** Single-quotes a value for a POSIX shell. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** The lines `eval "$(gameday env)"` runs: the holder's own settings, and into their own folder. */
/**
 * The line that points a shell at the drill served on `port` with its data in `dataDir`, as the
 * drill page shows it: `gameday env` with `--port` and `--data-dir` only where they are not the
 * defaults, so the line works as shown for a server started with either.
 */
export function envCommand(dataDir: string, port: number): string {
  const flags = [...(port === runbookPort ? [] : [`--port ${port}`]), ...(resolve(dataDir) === resolve(defaultDataDir()) ? [] : [`--data-dir ${shellQuote(resolve(dataDir))}`])];
  return `eval "$(pnpm -s gameday env${flags.map((flag) => ` ${flag}`).join('')})"`;
}

export function envLines(record: ServeRecord, options: { cd: boolean }): string[] {
  const lines = [
    `export ADMIN_TOKEN=${shellQuote(record.adminToken)}`,
    `export KUBECONFIG=${shellQuote(record.kubeconfig)}`,
    `export KUBECACHEDIR=${shellQuote(record.kubeCacheDir)}`,
    `export AGENC_URL=${shellQuote(record.url)}`,
    `export CURL_HOME=${shellQuote(record.curlHome)}`,
    `export GAMEDAY_DRILL_DIR=${shellQuote(record.workDir)}`,
    `export PATH=${shellQuote(record.binDir)}:"$PATH"`,
  ];
  if (options.cd) lines.push(`cd ${shellQuote(record.workDir)}`);
  return lines;
}

/** Finds the record of a running server: the one on `port`, or the only one there is. */
export function readServeRecord(dataDir: string, port: number | undefined): ServeRecord {
  const dir = dirname(serveRecordPath(dataDir, runbookPort));
  if (port !== undefined) {
    const path = serveRecordPath(dataDir, port);
    if (!existsSync(path)) throw new Error(`no gameday server recorded on port ${port} in ${dir}; start one with \`pnpm start\` or \`gameday serve --port ${port}\``);
    return JSON.parse(readFileSync(path, 'utf8')) as ServeRecord;
  }
  const path = serveRecordPath(dataDir, runbookPort);
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as ServeRecord;
  throw new Error(`no gameday server is running on port ${runbookPort} (looked in ${dir}); start one with \`pnpm start\`, or name its port: gameday env --port N`);
}

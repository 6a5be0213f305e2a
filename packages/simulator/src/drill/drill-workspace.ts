/**
 * The folder a drill runs in, and what a trainee's shell needs to reach the drill with the
 * runbook's commands unmodified: a kubeconfig for the fake cluster, a `.curlrc` that sends
 * `localhost:9090` to the drill's real port, the runbook's `scripts/speculation-health.sh`, and
 * `serve.json`, from which `gameday env` prints the export lines.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The port the runbook's commands name. */
export const runbookPort = 9090;

export interface ServeRecord {
  pid: number;
  host: string;
  port: number;
  url: string;
  adminToken: string;
  facilitatorToken: string;
  drillDir: string;
  kubeconfig: string;
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

/** The data folder: `$GAMEDAY_DATA_DIR`, else `.gameday` at the repository root. */
export function defaultDataDir(): string {
  return process.env.GAMEDAY_DATA_DIR ?? resolve(simulatorBinDir(), '..', '..', '..', '.gameday');
}

export function serveRecordPath(dataDir: string, port: number): string {
  return join(dataDir, 'serve', `${port}.json`);
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

/** No token: kubectl would not send it over plain http anyway (see kube-routes.ts). */
function kubeconfig(url: string): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: gameday
  cluster:
    server: ${url}
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

/**
 * A game-day participant's own kubeconfig: kubectl sends no token over plain http, so the
 * participant's token rides in the server address's path (`/as/<token>`), which the server
 * strips before routing. Their kubectl calls are then theirs in the journal, and an observer's
 * are refused.
 */
export function writeParticipantKubeconfig(record: ServeRecord, participantId: string, token: string): ServeRecord {
  const own = participantRecord(record, participantId, token);
  writeFileSync(own.kubeconfig, kubeconfig(`${record.url}/as/${token}`), { mode: 0o600 });
  return own;
}

/** A drill's record as one game-day participant's shell sees it: their token, their kubeconfig. */
export function participantRecord(record: ServeRecord, participantId: string, token: string): ServeRecord {
  return { ...record, adminToken: token, kubeconfig: join(record.drillDir, `kubeconfig-${participantId}`) };
}

/**
 * Lays out the drill folder for a server on `port`. The `.curlrc` maps the runbook's fixed
 * `localhost:9090` to the real port with curl's `connect-to`, so commands need no editing.
 */
export function writeDrillWorkspace(options: { dataDir: string; host: string; port: number; adminToken: string; facilitatorToken: string }): ServeRecord {
  const drillDir = join(options.dataDir, 'drills', String(options.port));
  mkdirSync(join(drillDir, 'scripts'), { recursive: true });
  mkdirSync(join(options.dataDir, 'serve'), { recursive: true });
  const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${options.port}`;
  const kubeconfigPath = join(drillDir, 'kubeconfig');
  writeFileSync(kubeconfigPath, kubeconfig(`${url}/as/${options.adminToken}`), { mode: 0o600 });
  chmodSync(kubeconfigPath, 0o600);
  const curlrc = options.port === runbookPort ? '' : ['localhost', '127.0.0.1'].map((name) => `connect-to = ${name}:${runbookPort}:${host}:${options.port}\n`).join('');
  writeFileSync(join(drillDir, '.curlrc'), curlrc);
  writeFileSync(join(drillDir, 'scripts', 'speculation-health.sh'), healthScript, { mode: 0o755 });
  chmodSync(join(drillDir, 'scripts', 'speculation-health.sh'), 0o755);
  const record: ServeRecord = {
    pid: process.pid,
    host,
    port: options.port,
    url,
    adminToken: options.adminToken,
    facilitatorToken: options.facilitatorToken,
    drillDir,
    kubeconfig: kubeconfigPath,
    binDir: simulatorBinDir(),
    startedAt: new Date().toISOString(),
  };
  writeFileSync(serveRecordPath(options.dataDir, options.port), `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  return record;
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
 * The environment a drill's commands run in (the checker's steps, the in-browser terminal):
 * the drill's tools first on PATH, its token, kubeconfig and curl settings, and a HOME of its
 * own so nothing of the host user's shell set-up leaks in.
 */
export function drillEnvironment(record: ServeRecord, home: string): NodeJS.ProcessEnv {
  return {
    PATH: `${record.binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    HOME: home,
    LANG: process.env.LANG ?? 'C.UTF-8',
    ADMIN_TOKEN: record.adminToken,
    KUBECONFIG: record.kubeconfig,
    KUBECACHEDIR: join(home, 'kube-cache'),
    AGENC_URL: record.url,
    CURL_HOME: record.drillDir,
  };
}

/** Single-quotes a value for a POSIX shell. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** The lines `eval "$(gameday env)"` runs. */
export function envLines(record: ServeRecord, options: { cd: boolean }): string[] {
  const lines = [
    `export ADMIN_TOKEN=${shellQuote(record.adminToken)}`,
    `export KUBECONFIG=${shellQuote(record.kubeconfig)}`,
    `export KUBECACHEDIR=${shellQuote(join(record.drillDir, 'kube-cache'))}`,
    `export AGENC_URL=${shellQuote(record.url)}`,
    `export CURL_HOME=${shellQuote(record.drillDir)}`,
    `export GAMEDAY_DRILL_DIR=${shellQuote(record.drillDir)}`,
    `export PATH=${shellQuote(record.binDir)}:"$PATH"`,
  ];
  if (options.cd) lines.push(`cd ${shellQuote(record.drillDir)}`);
  return lines;
}

/** Finds the record of a running server: the one on `port`, or the only one there is. */
export function readServeRecord(dataDir: string, port: number | undefined): ServeRecord {
  const dir = join(dataDir, 'serve');
  if (port !== undefined) {
    const path = serveRecordPath(dataDir, port);
    if (!existsSync(path)) throw new Error(`no gameday server recorded on port ${port} in ${dir}; start one with \`pnpm start\` or \`gameday serve --port ${port}\``);
    return JSON.parse(readFileSync(path, 'utf8')) as ServeRecord;
  }
  const path = serveRecordPath(dataDir, runbookPort);
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as ServeRecord;
  throw new Error(`no gameday server is running on port ${runbookPort} (looked in ${dir}); start one with \`pnpm start\`, or name its port: gameday env --port N`);
}

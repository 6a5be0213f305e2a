/**
 * `gameday`: serve a drill (simulator + trainer UI in one process) and print the shell
 * environment that points a trainee's own shell at it.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { difficulties, scenarios, type Difficulty } from '@gameday/scenarios';
import { Drill, type DrillOptions } from '../drill/drill';
import { replayDrill } from '../drill/drill-inputs';
import { createServer } from '../http/server';
import { DrillSlot } from '../http/plugins/drill-context';
import { SqliteDrillStore } from '../storage/sqlite-drill-store';
import { PostgresDrillStore } from '../storage/postgres-drill-store';
import type { DrillStore, LiveDrillRecord } from '../storage/drill-store';
import { AlertWebhook, type AlertNotice } from '../world/alert-webhook';
import { GameDayHub } from '../gameday/game-day-hub';
import { DrillLocator } from '../gameday/drill-locator';
import { sessionSlot } from '../gameday/session-host';
import { FleetViews } from '../http/fleet-views';
import { startDrillServer, type DrillInputLog } from '../gameday/drill-server';
import { advertiseHost, instanceSlot, LeaseKeeper } from '../gameday/lease-keeper';
import { AdoptedSoloDrills } from '../gameday/adopted-solo-drills';
import { createReadinessMetrics } from '../metrics/readiness-metrics';
import { rescoreStoredDrills } from '../scoring/drill-debrief';
import { defaultDataDir, defaultRunbookPath, envLines, readServeRecord, removeServeRecord, simulatorBinDir } from '../drill/drill-workspace';
import type { ClockMode } from '../clock/sim-clock';
import { detectSandbox, type SandboxStatus } from '../terminal/sandbox';

function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}.`);
    const parsed = Number(value);
    if (parsed < min || parsed > max) throw new InvalidArgumentError(`${name} must be from ${min} to ${max}.`);
    return parsed;
  };
}

function httpUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('must be a URL, such as http://127.0.0.1:9093/hook');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError('must be an http:// or https:// URL');
  return value;
}

function postgresUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('must be a PostgreSQL URL, such as postgres://gameday@127.0.0.1:5432/gameday');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new InvalidArgumentError(`must be a postgres:// or postgresql:// URL, not ${url.protocol}//; without --store the embedded SQLite store in --data-dir is used`);
  if (url.pathname.length <= 1) throw new InvalidArgumentError('must name the database, such as postgres://gameday@127.0.0.1:5432/gameday');
  return value;
}

/** Where the store is, for the start-up lines: never the password. */
function storeLine(options: { store?: string; dataDir: string }): string {
  if (!options.store) return `SQLite ${join(options.dataDir, 'gameday.db')}`;
  const url = new URL(options.store);
  return `PostgreSQL ${url.host}${url.pathname}`;
}

function readableFile(value: string): string {
  const path = resolve(value);
  if (!existsSync(path) || !statSync(path).isFile()) throw new InvalidArgumentError(`${value} is not a file; name the runbook's Markdown file`);
  return path;
}

function positiveNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0 || parsed > 3600) throw new InvalidArgumentError('speed must be a number above 0 and at most 3600 (simulated seconds per wall second).');
  return parsed;
}

interface ServeOptions {
  port: number;
  host: string;
  scenario: string;
  seed?: number;
  clock: ClockMode;
  speed: number;
  difficulty: Difficulty;
  dataDir: string;
  /** A PostgreSQL URL: the store several instances share, instead of the embedded SQLite. */
  store?: string;
  openHint?: boolean;
  log: string;
  alertWebhook?: string;
  announceWebhook?: string;
  publicHost?: string;
  /** The host other instances reach this one's servers at (a shared store). */
  advertise?: string;
  sessionPorts?: { from: number; to: number };
  unsafeTerminal?: boolean;
  runbook: string;
  /** The drill's own options given on the command line (not defaults): a live drill that differs from them is set aside. */
  asked?: Partial<Record<'scenario' | 'seed' | 'clock' | 'speed' | 'difficulty', unknown>>;
}

function portRange(value: string): { from: number; to: number } {
  const match = /^(\d+)-(\d+)$/.exec(value);
  const from = Number(match?.[1]);
  const to = Number(match?.[2]);
  if (!match || from < 1 || to > 65535 || from > to) throw new InvalidArgumentError('must be a port range such as 9100-9199');
  return { from, to };
}

/** The start-up line on how the in-browser terminal runs programs. */
function terminalLine(status: SandboxStatus, unsafe: boolean): string {
  if (status.sandbox) return `programs sandboxed with ${status.sandbox.version}`;
  const why = `no sandbox: ${status.reason}`;
  if (unsafe) return `UNSAFE: ${why}; --unsafe-terminal lets anyone with a token run its programs unsandboxed, reading what this server can`;
  return `${why}; the in-browser terminal answers this machine only (install bubblewrap, or pass --unsafe-terminal to accept the risk)`;
}

async function serve(options: ServeOptions): Promise<void> {
  const seed = options.seed ?? randomInt(1, 2 ** 31 - 1);
  const generated: string[] = [];
  const token = (name: 'ADMIN_TOKEN' | 'FACILITATOR_TOKEN') => {
    const fromEnv = process.env[name];
    if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
    generated.push(name);
    return randomBytes(18).toString('base64url');
  };
  // Probed once for every server of the process, while the main server starts (the probe runs
  // a sandboxed program: tens of ms that need not delay /healthz); printed once it answers.
  const terminal = { sandbox: detectSandbox(), unsafe: options.unsafeTerminal ?? false };
  let externalUrl = `http://${options.host}:${options.port}`;
  const webhook = options.alertWebhook ? new AlertWebhook(options.alertWebhook, () => externalUrl) : undefined;
  const onAlert = webhook ? { onAlert: (notice: AlertNotice) => webhook.send(notice) } : {};
  const uiDir = resolve(simulatorBinDir(), '..', '..', 'trainer-ui', 'dist');
  let store: DrillStore;
  try {
    mkdirSync(options.dataDir, { recursive: true });
    store = options.store ? new PostgresDrillStore(options.store) : new SqliteDrillStore(join(options.dataDir, 'gameday.db'));
  } catch (error) {
    process.stderr.write(`gameday serve: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
  // The drill this server ran on this port before a restart (a kill -9, a deploy) goes on where
  // it was: rebuilt from its inputs, with its tokens. One that does not rebuild the same is kept
  // readable, its clock stopped, and the log says what diverged.
  // With a shared store, instances are told apart by machine and data folder (each has its own):
  // each resumes only its own drill, even when they all listen on 9090 behind a balancer.
  const instance = options.store ? `${hostname()}:${resolve(options.dataDir)}` : undefined;
  const baseSoloSlot = instance ? `solo:${instance}:${options.port}` : `solo:${options.port}`;
  let soloSlot = baseSoloSlot;
  // With a shared store, every live slot is leased (lease-keeper.ts): this instance renews its
  // own and takes over a dead instance's. The hub and the taken-over solo drills are made below.
  const adopters: { hub?: GameDayHub; solo?: AdoptedSoloDrills } = {};
  const leases = instance
    ? new LeaseKeeper({
        store,
        owner: instance,
        advertise: advertiseHost(options),
        adopt: async (lease) => (lease.slot.startsWith('session:') ? adopters.hub?.host.adopt(lease) : adopters.solo?.adopt(lease)),
        log: (message) => process.stderr.write(`gameday: ${message}
`),
      })
    : undefined;
  // The solo drill goes on in the newest of this instance's solo slots it can lease; one another
  // live instance took over while this one was down stays there, and this one starts anew.
  let takenLine: string | undefined;
  let resumed: LiveDrillRecord | undefined;
  if (options.port !== 0) {
    const mySolos = store.liveDrills().filter((candidate) => candidate.slot === soloSlot || candidate.slot.startsWith(`${soloSlot}:`)).reverse();
    if (!leases) resumed = mySolos.find((candidate) => candidate.slot === soloSlot);
    else {
      resumed = mySolos.find((candidate) => leases.claim(candidate.slot, leases.address(options.port), () => undefined));
      const held = mySolos.filter((candidate) => candidate !== resumed);
      if (resumed) soloSlot = resumed.slot;
      else if (held.length > 0) {
        const owner = store.lease(held[0]!.slot)?.owner ?? 'another instance';
        takenLine = `${String(held[0]!.options.scenario)} (seed ${String(held[0]!.options.seed)}) is run by ${owner} now; starting a new drill here`;
        soloSlot = `${soloSlot}:${randomBytes(6).toString('hex')}`;
      }
    }
  }
  // Asked on the command line for a different drill than the live one: that is a new drill, and
  // the old one is ended (its inputs stay in the store), said plainly rather than ignored.
  let setAsideLine: string | undefined;
  const differs = resumed ? Object.entries(options.asked ?? {}).filter(([name, value]) => resumed!.options[name] !== value) : [];
  if (resumed && differs.length > 0) {
    const what = differs.map(([name, value]) => `--${name} ${String(value)}`).join(' ');
    store.endLive(resumed.id, `set aside: serve started with ${what}`);
    leases?.release(resumed.slot);
    setAsideLine = `${String(resumed.options.scenario)} (seed ${String(resumed.options.seed)}) ended: you asked for ${what}`;
    resumed = undefined;
  }
  let drill: Drill;
  let tokens: { admin: string; facilitator: string };
  let resumedLine: string | undefined;
  let resumedLog: { id: string; count: number } | undefined;
  if (resumed) {
    const inputs = store.liveInputs(resumed.id);
    const started = performance.now();
    const { drill: rebuilt, divergence, applied } = replayDrill({ ...(resumed.options as unknown as DrillOptions), ...onAlert }, inputs);
    drill = rebuilt;
    tokens = { admin: String(resumed.extra.adminToken), facilitator: String(resumed.extra.facilitatorToken) };
    const took = `${applied} inputs replayed in ${Math.round(performance.now() - started)} ms`;
    if (divergence) {
      process.stderr.write(
        `gameday: ERROR: live drill ${resumed.id} did not rebuild the same: at input ${divergence.index} (simulated ${divergence.simMs} ms) ${divergence.parts.join('; ')}. It is kept readable as far as it was rebuilt, its clock stopped; start a new drill from the lobby.\n`,
      );
      store.endLive(resumed.id, `diverged at input ${divergence.index}`);
      resumedLine = `DIVERGED at input ${divergence.index} (see the log); ${took}`;
    } else {
      resumedLog = { id: resumed.id, count: inputs.length };
      resumedLine = `resumed where it was (${took})`;
    }
  } else {
    tokens = { admin: token('ADMIN_TOKEN'), facilitator: token('FACILITATOR_TOKEN') };
    drill = new Drill({ scenario: options.scenario, seed, clock: options.clock, speed: options.speed, difficulty: options.difficulty, ...onAlert });
  }
  const slot = new DrillSlot(drill);
  // With a shared store, live views reach viewers connected to any instance (the main server's
  // socket.io on the PostgreSQL adapter); without one, nothing of this is loaded.
  let fleet: FleetViews | undefined;
  if (options.store) {
    try {
      fleet = await FleetViews.connect({ url: options.store, routeOf: (hash) => store.routeOf(hash), log: (message) => process.stderr.write(`gameday: ${message}\n`) });
    } catch (error) {
      process.stderr.write(`gameday serve: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(2);
    }
  }
  // Drills scored by older rules are re-scored from their facts, so the leaderboard ranks by one set.
  rescoreStoredDrills(store);
  // Drill outcomes of the solo drill and every game-day session, on the main server's /metrics.
  const readiness = createReadinessMetrics();
  let hub: GameDayHub;
  try {
    hub = new GameDayHub({
      dataDir: options.dataDir,
      host: options.host,
      store,
      facilitatorToken: tokens.facilitator,
      clock: options.clock,
      publicUrl: () => externalUrl,
      publicHost: options.publicHost,
      ports: options.sessionPorts,
      announceWebhook: options.announceWebhook,
      ...(webhook ? { onAlert: (notice: AlertNotice) => webhook.send(notice) } : {}),
      log: (message) => process.stderr.write(`gameday: ${message}\n`),
      instance,
      // In a fleet (a shared store and a public host), participants' settings and links point at
      // the public main address, whose router forwards to wherever their session runs.
      fleetUrl: options.store && options.publicHost ? () => externalUrl : undefined,
      leases,
      // On a shared store the leaderboard freeze and the sessions list are the fleet's.
      fleet: options.store !== undefined,
      // Each game-day session gets a server of its own: its own port, token, sockets and journal.
      startServer: (session) => createServer({ drill: session.drill, tokens: { admin: session.adminToken, facilitator: tokens.facilitator }, uiDir, runbookPath: options.runbook, store, readiness, session, leaderboardFreeze: hub.freeze, terminal, views: fleet && { fleet, slot: sessionSlot(session.code), main: false }, logger: false }),
    });
  } catch (error) {
    process.stderr.write(`gameday serve: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
  // Every input of the server's drill goes to the store as it happens; a drill started from the lobby takes the slot's log.
  // With a shared store, the main server routes a request for a drill another server runs (a
  // session's, on this instance or another) to that server; its own drill it serves itself.
  // The console's and join page's requests for a session another instance holds go to that instance's main server.
  const router = options.store ? new DrillLocator(store, { localSlot: () => soloSlot, owner: instance }) : undefined;
  const liveExtra = { adminToken: tokens.admin, facilitatorToken: tokens.facilitator };
  const soloInputs: DrillInputLog = { store, slot: soloSlot, extra: () => liveExtra, resume: resumedLog, off: resumed !== undefined && resumedLog === undefined, followSlot: true };
  const { server, port, record } = await startDrillServer({
    drill,
    create: () => createServer({ drill, slot, tokens, uiDir, runbookPath: options.runbook, store, readiness, hub, terminal, router, views: fleet && { fleet, slot: soloSlot, main: true }, logger: options.log === 'silent' ? false : { level: options.log } }),
    host: options.host,
    listen: { port: options.port },
    workspace: { dataDir: options.dataDir, adminToken: tokens.admin, facilitatorToken: tokens.facilitator },
    inputs: soloInputs,
  });
  adopters.hub = hub;
  if (leases) {
    // Lost to another instance (this one stalled past its lease): its drill stops here, and the
    // lobby's next drill is logged in a new slot of this instance's, never in the taken one.
    const leaseSolo = (slotName: string): void => {
      const onLost = () => {
        slot.current.detachInputs();
        slot.current.stop();
        soloInputs.slot = `${baseSoloSlot}:${randomBytes(6).toString('hex')}`;
        leaseSolo(soloInputs.slot);
      };
      // Claimed again with its address and what to do when lost (the start-up claim knew neither).
      if (!leases.claim(slotName, leases.address(port), onLost)) return onLost();
      leases.route(tokens.admin, slotName);
    };
    leaseSolo(soloSlot);
    // This instance's main server, where the others send the console's and join page's requests for its sessions.
    const mainSlot = instanceSlot(leases.owner);
    const leaseMain = (): void => {
      if (!leases.claim(mainSlot, leases.address(port), leaseMain)) process.stderr.write(`gameday: ${mainSlot} is held by another running process with this host name and data folder: requests for this instance's sessions reach it, not this one; give each instance its own --data-dir\n`);
    };
    leaseMain();
    adopters.solo = new AdoptedSoloDrills({
      store,
      leases,
      dataDir: options.dataDir,
      host: options.host,
      ports: options.sessionPorts,
      ...onAlert,
      startServer: (adopted, adoptedTokens, adoptedSlot) => createServer({ drill: adopted, tokens: adoptedTokens, uiDir, runbookPath: options.runbook, store, readiness, terminal, views: fleet && { fleet, slot: adoptedSlot, main: false }, logger: false }),
    });
  }
  if (!resumed) drill.start();
  externalUrl = `http://${options.publicHost ?? (options.host === '0.0.0.0' ? '127.0.0.1' : options.host)}:${port}`;
  // Every game-day session a crash or a restart left live is rebuilt from its inputs, on its port.
  const restored = await hub.restore();
  hub.start();
  leases?.start();

  const out = process.stdout;
  out.write(`gameday: serving on ${record.url}\n`);
  // The token rides in the fragment: the browser keeps it and never sends it in a request line.
  out.write(`  trainer UI    ${record.url}/#token=${encodeURIComponent(tokens.admin)}${existsSync(resolve(uiDir, 'index.html')) ? '' : '  (not built: run pnpm build)'}\n`);
  out.write(`  clock         ${drill.clock.mode}${drill.clock.mode === 'realtime' ? ` x${drill.clock.speed}` : ' (advance with POST /_sim/clock/advance)'}\n`);
  out.write(`  seed          ${drill.options.seed}   difficulty ${drill.options.difficulty}\n`);
  out.write(`  store         ${storeLine(options)}\n`);
  if (resumedLine) out.write(`  live drill    ${drill.scenario.id}: ${resumedLine}\n`);
  if (takenLine) out.write(`  live drill    ${takenLine}\n`);
  if (setAsideLine) out.write(`  live drill    ${setAsideLine}; starting the drill asked for\n`);
  for (const line of restored) out.write(`  game-day      ${line}\n`);
  const imported = hub.scheduler.imported;
  if (imported) {
    const present = imported.present.length > 0 ? `; already in the store: ${imported.present.join(', ')}` : '';
    out.write(`  schedules     imported ${imported.imported} from ${imported.file} into the store${present}; the file is now ${basename(imported.renamedTo)}\n`);
  }
  for (const line of restored.filter((candidate) => candidate.includes(': ENDED: '))) process.stderr.write(`gameday: game-day ${line}\n`);
  for (const name of generated) out.write(`  ${name.padEnd(17)} ${name === 'ADMIN_TOKEN' ? tokens.admin : tokens.facilitator}   (generated; set ${name} to choose it)\n`);
  out.write(`  your folder   ${record.workDir}\n`);
  const sandbox = await terminal.sandbox;
  out.write(`  terminal      ${terminalLine(sandbox, terminal.unsafe)}\n`);
  if (!sandbox.sandbox) process.stderr.write(`gameday: warning: in-browser terminal: ${terminalLine(sandbox, terminal.unsafe)}\n`);
  out.write(`  game-days     ${externalUrl}/#facilitator=${encodeURIComponent(tokens.facilitator)}   (facilitator console: sessions, join codes, schedules)\n`);
  out.write(`\nPoint your own shell at this drill, then use the runbook's commands as written:\n  eval "$(${options.openHint ? 'pnpm -s gameday' : 'gameday'} env${port === 9090 ? '' : ` --port ${port}`})"\n\n`);

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    out.write(`gameday: ${signal}, shutting down\n`);
    drill.record({ source: 'sim', action: 'server.stopping', outcome: 'info', detail: { signal } });
    const force = setTimeout(() => process.exit(1), 4000);
    force.unref();
    leases?.stop();
    // Its sessions are left to be taken over; until then the others answer for them "moving", not "unreachable".
    try {
      leases?.release(instanceSlot(leases.owner));
    } catch (error) {
      process.stderr.write(`gameday: could not give up ${instanceSlot(leases!.owner)} (it expires by itself): ${error instanceof Error ? error.message : String(error)}\n`);
    }
    (adopters.solo ? adopters.solo.closeAll() : Promise.resolve())
      .then(() => hub.closeAll())
      .then(() => server.close())
      .then(() => fleet?.close())
      .then(() => {
        slot.current.stop();
        store.close();
        removeServeRecord(options.dataDir, port);
        process.exit(0);
      })
      .catch((error: unknown) => {
        process.stderr.write(`gameday: error while shutting down: ${String(error)}\n`);
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

export function gamedayProgram(): Command {
  const program = new Command('gameday')
    .description('Game-day simulator and incident drill trainer for the speculation service')
    .showHelpAfterError()
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));

  program
    .command('serve')
    .description('Run a drill: the fake speculation service (admin API, metrics, Kubernetes API) and the trainer UI, in one process')
    .addOption(new Option('-p, --port <port>', 'port to listen on').default(9090).argParser(integer('port', 0, 65535)))
    .addOption(new Option('--host <host>', 'address to listen on').default('127.0.0.1'))
    .addOption(new Option('-s, --scenario <id>', 'scenario to run').default('baseline').choices(scenarios.map((scenario) => scenario.id)))
    .addOption(new Option('--seed <n>', 'seed fixing the whole run (random when omitted, and printed)').argParser(integer('seed', 0, 2 ** 31 - 1)))
    .addOption(new Option('--clock <mode>', 'realtime, or virtual (moves only when advanced)').default('realtime').choices(['realtime', 'virtual']))
    .addOption(new Option('--speed <x>', 'simulated seconds per wall second (realtime clock)').default(1).argParser(positiveNumber))
    .addOption(new Option('--difficulty <level>', 'easy, normal or hard').default('normal').choices(difficulties))
    .addOption(new Option('--data-dir <dir>', 'where drills, serve records and storage live').default(defaultDataDir()))
    .addOption(new Option('--store <url>', 'keep drills, leaderboards and sessions in this PostgreSQL database (postgres://user@host:port/db), shared by every instance given it; default: SQLite in --data-dir').argParser(postgresUrl))
    .addOption(new Option('--log <level>', 'server log level').default('warn').choices(['silent', 'error', 'warn', 'info', 'debug']))
    .addOption(new Option('--alert-webhook <url>', 'also send alerts to this URL in Alertmanager webhook format').env('GAMEDAY_ALERT_WEBHOOK').argParser(httpUrl))
    .addOption(new Option('--announce-webhook <url>', 'post game-day announcements to this Slack-compatible incoming webhook').env('GAMEDAY_ANNOUNCE_WEBHOOK').argParser(httpUrl))
    .addOption(new Option('--public-host <name>', 'the host name browsers reach this machine by, for join and session links (with --host 0.0.0.0)'))
    .addOption(new Option('--advertise <host>', 'with --store: the host other instances reach this one\'s servers at (default: --public-host, else --host unless 0.0.0.0, else this machine\'s name)'))
    .addOption(new Option('--session-ports <from-to>', 'ports for game-day sessions (default: any free port)').argParser(portRange))
    .addOption(new Option('--runbook <file>', "the team's runbook (Markdown) the trainer UI shows beside the terminal").default(defaultRunbookPath(), 'the repository\'s scenarios/runbooks/speculation-incident-response.md').argParser(readableFile))
    .addOption(new Option('--unsafe-terminal', 'without a working bwrap, still let other machines use the in-browser terminal, its programs unsandboxed (they can then read what this server can)'))
    .addOption(new Option('--open-hint').hideHelp())
    .action(async (options: ServeOptions, command: Command) => {
      const drillOptions = ['scenario', 'seed', 'clock', 'speed', 'difficulty'] as const;
      const asked = Object.fromEntries(drillOptions.filter((name) => command.getOptionValueSource(name) === 'cli').map((name) => [name, options[name]]));
      await serve({ ...options, asked });
    });

  program
    .command('env')
    .description('Print the export lines that point your shell at a running drill: eval "$(gameday env)"')
    .addOption(new Option('-p, --port <port>', 'the drill server port (default: the one on 9090)').argParser(integer('port', 1, 65535)))
    .addOption(new Option('--data-dir <dir>', 'the data folder the server uses').default(defaultDataDir()))
    .option('--no-cd', 'do not change into the drill folder (where the runbook\'s ./scripts/ are)')
    .action((options: { port?: number; dataDir: string; cd: boolean }) => {
      try {
        const record = readServeRecord(options.dataDir, options.port);
        process.stdout.write(`${envLines(record, { cd: options.cd }).join('\n')}\n`);
      } catch (error) {
        process.stderr.write(`gameday env: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
      }
    });

  program
    .command('check')
    .description("Run every bash block of a runbook against the simulator and report drift (exit 0 pass, 1 fail, 2 usage)")
    .argument('<runbook>', 'the runbook Markdown file')
    .option('--junit <file>', 'also write JUnit XML (one testsuite per section, one testcase per step)')
    .option('--json', 'print the report as JSON on stdout instead of the summary')
    .option('--only <ids...>', 'only these sections (INC-SPEC-00N or a heading)')
    .addOption(new Option('--seed <n>', 'seed for every section (default: the front matter\'s, else 1)').argParser(integer('seed', 0, 2 ** 31 - 1)))
    .action(async (runbook: string, options: { junit?: string; json?: boolean; only?: string[]; seed?: number }) => {
      // Loaded on demand: the Markdown parser stays out of `gameday serve`'s start-up.
      const { runCheckCommand } = await import('../check/check-command');
      process.exitCode = await runCheckCommand(runbook, options);
    });

  program
    .command('scenarios')
    .description('List the scenarios')
    .action(() => {
      for (const scenario of scenarios) process.stdout.write(`${scenario.id.padEnd(20)} ${(scenario.incident ?? '-').padEnd(13)} ${scenario.difficulty.padEnd(7)} ${scenario.summary}\n`);
    });
  return program;
}

await gamedayProgram().parseAsync(process.argv);

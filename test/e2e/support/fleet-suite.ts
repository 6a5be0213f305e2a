/**
 * A suite of real `gameday serve` processes on one real PostgreSQL (the fleet's tests): the
 * server started before the suite, and after it every process stopped, the server stopped and
 * every folder removed. Skipped, saying why, where PostgreSQL's binaries are missing (never in CI).
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { postgresBinDir, startPostgres, type PostgresServer } from './postgres-server';
import type { ServedSimulator } from './served-simulator';

export interface FleetSuite {
  /** Why the suite cannot run here, or undefined when it can. */
  missing: string | undefined;
  /** The suite's PostgreSQL (once `beforeAll` has run). */
  postgres(): PostgresServer;
  /** Processes to stop after the suite. */
  running: ServedSimulator[];
  /** Folders to remove after the suite. */
  dirs: string[];
}

export function fleetSuite(name: string, options: { stopWith?: NodeJS.Signals } = {}): FleetSuite {
  const binaries = postgresBinDir();
  const missing = 'missing' in binaries ? binaries.missing : undefined;
  if (missing) process.stderr.write(`${name}: skipped: ${missing}\n`);
  let server: PostgresServer | undefined;
  const suite: FleetSuite = {
    missing,
    postgres: () => {
      if (!server) throw new Error(`${name}: no PostgreSQL (${missing ?? 'beforeAll has not run'})`);
      return server;
    },
    running: [],
    dirs: [],
  };
  beforeAll(async () => {
    if (!missing) server = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    for (const sim of suite.running) await sim.stop(options.stopWith);
    server?.stop();
    for (const dir of suite.dirs) rmSync(dir, { recursive: true, force: true });
  });
  return suite;
}

/**
 * Issue 17, 2 (its first part): two `gameday serve` instances given one PostgreSQL with
 * `--store` share finished drills and the leaderboard: a drill finished on one is ranked on the
 * other, and a restart of either keeps it. A --store that is not PostgreSQL is refused plainly.
 */
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresDrillStore } from '@gameday/simulator';
import { postgresBinDir, startPostgres, type PostgresServer } from './support/postgres-server';
import { gamedayBin, startSimulator, startupLine, type ServedSimulator } from './support/served-simulator';
import { finishSurprise, trainer } from './support/trainer-calls';

const binaries = postgresBinDir();
if ('missing' in binaries) process.stderr.write(`postgres-store: skipped: ${binaries.missing}\n`);

let postgres: PostgresServer | undefined;
const running: ServedSimulator[] = [];
beforeAll(async () => {
  if (!('missing' in binaries)) postgres = await startPostgres();
}, 60_000);
afterAll(async () => {
  for (const sim of running) await sim.stop();
  postgres?.stop();
});

const board = async (sim: ServedSimulator) => ((await trainer(sim, 'GET', '/trainer/leaderboard')).body.rows as Array<{ trainee: string; drillId: string }>).map((row) => `${row.trainee}:${row.drillId}`).sort();

describe.skipIf('missing' in binaries)('two gameday serve instances on one PostgreSQL', () => {
  it('share finished drills and the leaderboard', async () => {
    const store = ['--store', postgres!.url, '--clock', 'virtual'];
    const [one, two] = await Promise.all([startSimulator(store), startSimulator(store)]);
    running.push(one, two);
    expect(await startupLine(one, /store {9}.*/)).toBe(`store         PostgreSQL 127.0.0.1:${postgres!.port}/gameday`);
    // Each instance's own drill is live in a slot of its own (machine, data folder, port): neither replaced the other's.
    const slot = (sim: ServedSimulator) => `solo:${hostname()}:${sim.dataDir}:0`;
    const liveSlots = () => {
      const reader = new PostgresDrillStore(postgres!.url);
      try {
        return reader.liveDrills().map((record) => record.slot).sort();
      } finally {
        reader.close();
      }
    };
    expect(liveSlots()).toEqual([slot(one), slot(two)].sort());

    const lin = await finishSurprise(one, 'Lin');
    expect(await board(two)).toEqual([`Lin:${lin}`]);
    const kai = await finishSurprise(two, 'Kai');
    expect(await board(one)).toEqual([`Kai:${kai}`, `Lin:${lin}`].sort());

    // Kept by the server, not the process: a third instance started afterwards ranks both.
    const three = await startSimulator(store);
    running.push(three);
    expect(await board(three)).toEqual([`Kai:${kai}`, `Lin:${lin}`].sort());

    const reader = new PostgresDrillStore(postgres!.url);
    try {
      expect(reader.count()).toBe(2);
      expect(reader.get(lin)?.score.dimensions).toHaveLength(10);
    } finally {
      reader.close();
    }
    // The finished drills' logs ended with them; the third instance's drill is live beside nothing else.
    expect(liveSlots()).toEqual([slot(three)]);
  });

  it('refuses a --store that is not a PostgreSQL URL, naming what is allowed', () => {
    const result = spawnSync(process.execPath, [gamedayBin, 'serve', '--port', '0', '--store', 'mysql://x@127.0.0.1/db'], { encoding: 'utf8', timeout: 15_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--store <url>.*must be a postgres:\/\/ or postgresql:\/\/ URL, not mysql:\/\//);
  });

  it('stops with a clear message when the database cannot be used', () => {
    const result = spawnSync(process.execPath, [gamedayBin, 'serve', '--port', '0', '--store', `postgres://gameday@127.0.0.1:${postgres!.port}/absent`], { encoding: 'utf8', timeout: 30_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('gameday serve: cannot use the PostgreSQL store: PostgreSQL at 127.0.0.1');
    expect(result.stderr).toContain('database "absent" does not exist');
  });
});

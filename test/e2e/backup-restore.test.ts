/**
 * Issue 17, item 6: the deployment guide's backup and restore, done as docs/deploy.md says with
 * the real tools, while `gameday serve` runs: SQLite's online `.backup` of `gameday.db`, and
 * `pg_dump --format=custom` / `pg_restore` of the shared store. Restored into a fresh place,
 * the trainer has the finished drills on its leaderboard and rebuilds the live drill as it was
 * at the backup (state, fingerprint).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DrillState } from '@gameday/simulator';
import { postgresBinDir, startPostgres, type PostgresServer } from './support/postgres-server';
import { freePort, startSimulator, startupLine, type ServedSimulator } from './support/served-simulator';
import { finishSurprise, trainer } from './support/trainer-calls';

const dirs: string[] = [];
const binaries = postgresBinDir();
let postgres: PostgresServer | undefined;
beforeAll(async () => {
  if (!('missing' in binaries)) postgres = await startPostgres();
}, 60_000);
afterAll(() => {
  postgres?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});


const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'gameday-backup-'));
  dirs.push(dir);
  return dir;
};

const board = async (sim: ServedSimulator) => ((await trainer(sim, 'GET', '/trainer/leaderboard')).body.rows as Array<{ trainee: string; drillId: string }>).map((row) => `${row.trainee}:${row.drillId}`);

/** A finished ranked drill, then a live one a few minutes in with a change made: what a backup must keep. */
async function playSome(sim: ServedSimulator): Promise<{ finished: string; live: DrillState }> {
  const finished = await finishSurprise(sim, 'Noor');
  expect((await trainer(sim, 'POST', '/trainer/drills', { trainee: 'Ravi', scenario: 'rollback-storm', difficulty: 'normal' })).status).toBe(200);
  await sim.control('POST', '/_sim/clock/advance', { ms: 7 * 60_000 });
  expect(sim.bash(`curl -sf -X POST http://localhost:9090/admin/config -H "Authorization: Bearer $ADMIN_TOKEN" -d '{"speculation.max_depth": 2}'`).status).toBe(0);
  return { finished: `Noor:${finished}`, live: await sim.control<DrillState>('GET', '/_sim/state') };
}

describe('backup and restore as docs/deploy.md says', () => {
  it('SQLite: sqlite3 .backup while serving, then the copy as gameday.db in a fresh --data-dir', async () => {
    const port = await freePort();
    const args = ['--clock', 'virtual', '--port', String(port)];
    const original = await startSimulator(args, { dataDir: tempDir() });
    const tokens = { admin: original.adminToken, facilitator: original.facilitatorToken };
    const backup = join(tempDir(), 'gameday-backup.db');
    let played: Awaited<ReturnType<typeof playSome>>;
    try {
      played = await playSome(original);
      execFileSync('sqlite3', [join(original.dataDir, 'gameday.db'), `.backup '${backup}'`]);
    } finally {
      await original.stop('SIGKILL');
    }
    const restoredDir = tempDir();
    copyFileSync(backup, join(restoredDir, 'gameday.db'));
    const restored = await startSimulator(args, { dataDir: restoredDir, tokens });
    try {
      expect(await startupLine(restored, /live drill .*/)).toMatch(/resumed where it was/);
      expect(await board(restored)).toEqual([played.finished]);
      expect(await restored.control<DrillState>('GET', '/_sim/state')).toEqual(played.live);
    } finally {
      await restored.stop();
    }
  }, 120_000);

  it.skipIf('missing' in binaries)('PostgreSQL: pg_dump while serving, pg_restore into an empty database', async () => {
    const source = postgres!.createDatabase('backup_source');
    const target = postgres!.createDatabase('backup_target');
    const port = await freePort();
    const dataDir = tempDir();
    const original = await startSimulator(['--clock', 'virtual', '--port', String(port), '--store', source], { dataDir });
    const tokens = { admin: original.adminToken, facilitator: original.facilitatorToken };
    const dump = join(tempDir(), 'gameday.dump');
    const bin = (name: string) => join((binaries as { dir: string }).dir, name);
    const connection = ['-h', '127.0.0.1', '-p', String(postgres!.port), '-U', 'gameday'];
    let played: Awaited<ReturnType<typeof playSome>>;
    try {
      played = await playSome(original);
      execFileSync(bin('pg_dump'), [...connection, '--format=custom', `--file=${dump}`, 'backup_source']);
    } finally {
      await original.stop('SIGKILL');
    }
    execFileSync(bin('pg_restore'), [...connection, '--clean', '--if-exists', '--no-owner', '--dbname=backup_target', dump]);
    // The same instance (machine and --data-dir) on the restored database: its live drill is its own again.
    const restored = await startSimulator(['--clock', 'virtual', '--port', String(port), '--store', target], { dataDir, tokens });
    try {
      expect(await startupLine(restored, /live drill .*/)).toMatch(/resumed where it was/);
      expect(await board(restored)).toEqual([played.finished]);
      expect(await restored.control<DrillState>('GET', '/_sim/state')).toEqual(played.live);
    } finally {
      await restored.stop();
    }
  }, 120_000);
});

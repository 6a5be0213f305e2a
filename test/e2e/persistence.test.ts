/**
 * Issue 6 persistence: the leaderboard survives a restart of gameday serve, and a kill -9 in the
 * middle of a drill leaves every finished drill intact and no half-written row.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteDrillStore } from '@gameday/simulator';
import { startSimulator, type ServedSimulator } from './support/served-simulator';
import { finishSurprise, trainer } from './support/trainer-calls';

const dataDir = mkdtempSync(join(tmpdir(), 'gameday-persist-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const board = async (sim: ServedSimulator) => ((await trainer(sim, 'GET', '/trainer/leaderboard')).body.rows as Array<{ trainee: string; drillId: string }>).map((row) => `${row.trainee}:${row.drillId}`);

describe('the leaderboard and finished drills persist', () => {
  it('survive a restart, and a kill -9 in the middle of a drill', async () => {
    let sim = await startSimulator(['--clock', 'virtual'], { dataDir });
    const lin = await finishSurprise(sim, 'Lin');
    expect(await board(sim)).toEqual([`Lin:${lin}`]);
    expect(await sim.stop()).toBe(0);

    sim = await startSimulator(['--clock', 'virtual'], { dataDir });
    expect(await board(sim)).toEqual([`Lin:${lin}`]);
    const kai = await finishSurprise(sim, 'Kai');
    // A third drill, killed mid-way: started, paged, acknowledged, never resolved.
    expect((await trainer(sim, 'POST', '/trainer/drills', { trainee: 'Mo', scenario: 'surprise', difficulty: 'hard' })).status).toBe(200);
    await sim.control('POST', '/_sim/clock/advance', { ms: 20 * 60_000 });
    await trainer(sim, 'POST', '/trainer/acknowledge');
    await sim.stop('SIGKILL');

    const store = new SqliteDrillStore(join(dataDir, 'gameday.db'));
    try {
      expect(store.count()).toBe(2);
      for (const id of [lin, kai]) {
        const drill = store.get(id)!;
        expect(drill.journal.length).toBeGreaterThan(3);
        expect(drill.score.dimensions).toHaveLength(10);
      }
    } finally {
      store.close();
    }

    sim = await startSimulator(['--clock', 'virtual'], { dataDir });
    expect((await board(sim)).sort()).toEqual([`Kai:${kai}`, `Lin:${lin}`].sort());
    expect((await trainer(sim, 'GET', `/trainer/drills/${lin}`)).status).toBe(200);
    await sim.stop();
  });

  it('refuses to start on a data file that is not its database, and leaves the file alone', async () => {
    const { writeFileSync, readFileSync, mkdirSync } = await import('node:fs');
    const broken = mkdtempSync(join(tmpdir(), 'gameday-broken-'));
    mkdirSync(broken, { recursive: true });
    writeFileSync(join(broken, 'gameday.db'), 'not a database, but somebody’s notes');
    await expect(startSimulator(['--clock', 'virtual'], { dataDir: broken })).rejects.toThrow(/gameday\.db is not a gameday database .* it was left untouched/);
    expect(readFileSync(join(broken, 'gameday.db'), 'utf8')).toBe('not a database, but somebody’s notes');
    rmSync(broken, { recursive: true, force: true });
  });
});

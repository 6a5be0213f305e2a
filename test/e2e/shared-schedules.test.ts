/**
 * Issue 17, 2: a schedule fires exactly once across instances. Two real `gameday serve`
 * processes share one PostgreSQL; a schedule added on one, due a few seconds ahead (a six-field
 * cron: croner reads the first field as seconds), is armed by both (the other re-reads the
 * store every 5 s), and exactly one session opens: its row says which instance opened which
 * session, and both list it. A schedules.json kept from before is imported at start-up.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fleetSuite } from './support/fleet-suite';
import { startSimulator, startupLine, type ServedSimulator } from './support/served-simulator';

const suite = fleetSuite('shared-schedules');
const { running } = suite;

interface Listed {
  id: string;
  opensAt: string | null;
  lastFired: { at: string; instance: string; session: string | null; error: string | null } | null;
}
const schedules = async (sim: ServedSimulator) => (await sim.control<{ schedules: Listed[] }>('GET', '/gameday/schedules')).schedules;
// Each instance's own sessions: which of the two opened it (the fleet's list shows every instance's).
const sessions = async (sim: ServedSimulator) => (await sim.control<{ sessions: Array<{ code: string; title: string }> }>('GET', '/gameday/sessions?scope=instance')).sessions;

/** A cron that matches once a year: at this second (UTC). */
function cronAt(at: Date): string {
  return `${at.getUTCSeconds()} ${at.getUTCMinutes()} ${at.getUTCHours()} ${at.getUTCDate()} ${at.getUTCMonth() + 1} *`;
}

describe.skipIf(suite.missing !== undefined)('schedules shared by two gameday serve instances on one PostgreSQL', () => {
  it('imports a schedules.json at start-up, and opens one session for an occurrence both armed', async () => {
    const url = suite.postgres().createDatabase('schedules');
    // One instance was run alone before, with its schedules in its data folder.
    const oldDir = mkdtempSync(join(tmpdir(), 'gameday-e2e-'));
    writeFileSync(join(oldDir, 'schedules.json'), JSON.stringify({ schedules: [{ id: 'friday', name: 'Failure Friday', cron: '0 14 * * FRI', team: 'blue' }] }));
    const store = ['--store', url, '--clock', 'virtual'];
    const [one, two] = await Promise.all([startSimulator(store, { dataDir: oldDir }), startSimulator(store)]);
    running.push(one, two);
    expect(await startupLine(one, /schedules {5}.*/)).toBe(`schedules     imported 1 from ${join(oldDir, 'schedules.json')} into the store; the file is now schedules.json.imported`);
    expect(existsSync(join(oldDir, 'schedules.json.imported'))).toBe(true);
    expect((await schedules(two)).map((schedule) => schedule.id)).toEqual(['friday']);

    // Due 7 s from now, on a whole second: more than one re-read (5 s) away, so the other instance arms it on its own.
    const due = new Date(Math.ceil((Date.now() + 7000) / 1000) * 1000);
    const added = await one.control<Listed>('POST', '/gameday/schedules', { name: 'Soon', cron: cronAt(due), team: 'blue', scenario: 'rollback-storm' });
    expect(added.opensAt).toBe(due.toISOString());
    for (let waited = 0; waited < 15_000 && (await schedules(one)).find((schedule) => schedule.id === added.id)?.lastFired?.session == null; waited += 200) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // A moment for a late claim by the other instance, had it won too.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const opened = [...(await sessions(one)), ...(await sessions(two))].filter((session) => session.title === 'Soon');
    expect(opened).toHaveLength(1);
    const [fromOne, fromTwo] = [(await schedules(one)).find((schedule) => schedule.id === added.id)!, (await schedules(two)).find((schedule) => schedule.id === added.id)!];
    expect(fromOne.lastFired).toEqual(fromTwo.lastFired);
    const owner = (await sessions(one)).some((session) => session.title === 'Soon') ? one : two;
    expect(fromOne.lastFired).toMatchObject({ at: due.toISOString(), instance: `${hostname()}:${owner.dataDir}`, session: opened[0]!.code, error: null });
  });
});

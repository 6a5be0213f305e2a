import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SimClock } from '../clock/sim-clock';
import { SqliteDrillStore } from '../storage/sqlite-drill-store';
import { GameDayScheduler, type SchedulerClock } from './game-day-scheduler';
import { ScheduleFileError } from './game-day-schedule';
import { buildTestHub, type TestHub } from './test-hub';

/** Wall time on a virtual clock: starts at `epoch`, moves only when advanced. */
function virtualWallClock(epoch: string): { clock: SchedulerClock; sim: SimClock } {
  const sim = new SimClock({ mode: 'virtual' });
  const start = Date.parse(epoch);
  return { sim, clock: { now: () => start + sim.now(), setTimeout: (fn, ms) => sim.setTimeout(fn, ms), clearTimeout: (handle) => sim.clearTimeout(handle) } };
}

/** A Slack-compatible incoming webhook on loopback that keeps what it is sent. */
async function webhookReceiver() {
  const received: Array<{ headers: IncomingMessage['headers']; body: { text: string; blocks: unknown[] } }> = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push({ headers: request.headers, body: JSON.parse(body) as { text: string; blocks: unknown[] } });
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/T000/B000/XXXX`, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let hub: TestHub | undefined;
afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

describe('scheduled game-days', () => {
  it('opens the session and announces it to the webhook when a schedule falls due in virtual time', async () => {
    const receiver = await webhookReceiver();
    const { clock, sim } = virtualWallClock('2026-11-27T13:59:30Z');
    hub = await buildTestHub({ schedulerClock: clock, announceWebhook: receiver.url });
    const schedule = hub.hub.scheduler.add({ name: 'Failure Friday', cron: '0 14 * * FRI', scenario: 'rollback-storm', team: 'sre-blue' });
    expect(schedule.nextAt).toBe('2026-11-27T14:00:00.000Z');
    sim.advanceBy(29_000);
    expect(hub.hub.list()).toHaveLength(0);
    sim.advanceBy(31_000);
    await until(() => receiver.received.length > 0);
    const session = hub.hub.list()[0]!;
    expect(session.settings).toMatchObject({ title: 'Failure Friday', team: 'sre-blue', scenario: 'rollback-storm' });
    expect(session.status).toBe('open');
    const message = receiver.received[0]!;
    expect(message.headers['content-type']).toBe('application/json');
    expect(message.body.text).toContain(session.code);
    expect(message.body.text).toContain(`http://127.0.0.1:9090/#join=${session.code}`);
    expect(message.body.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text', text: 'Failure Friday' } });
    // The receiver answers before the announcer reads the answer and journals it: wait for that.
    await until(() => session.drill.journal.list().some((entry) => entry.action === 'announcement.sent'));
    expect(session.drill.journal.list().map((entry) => entry.action)).toEqual(expect.arrayContaining(['schedule.opened', 'announcement.sent']));
    // Next Friday is next.
    expect(hub.hub.scheduler.list()[0]!.nextAt).toBe('2026-12-04T14:00:00.000Z');
    await receiver.close();
  });

  it('opens a surprise at its moment inside its window (hashed from the schedule and the cron time), and starts it', async () => {
    const receiver = await webhookReceiver();
    const { clock, sim } = virtualWallClock('2026-11-27T09:00:00Z');
    hub = await buildTestHub({ schedulerClock: clock });
    const added = hub.hub.scheduler.add({ cron: '0 10 * * *', windowMinutes: 60, webhook: receiver.url });
    sim.advanceBy(60 * 60_000 - 1000);
    expect(hub.hub.list()).toHaveLength(0);
    const opensAt = Date.parse(hub.hub.scheduler.list()[0]!.opensAt!);
    expect(opensAt).toBeGreaterThanOrEqual(Date.parse('2026-11-27T10:00:00Z'));
    expect(opensAt).toBeLessThan(Date.parse('2026-11-27T11:00:00Z'));
    sim.advanceBy(61 * 60_000);
    await until(() => receiver.received.length > 0);
    expect(hub.hub.list()[0]!.status).toBe('running');
    expect(receiver.received[0]!.body.text).toContain('Surprise!');
    expect(added.scenario).toBe('surprise');
    await receiver.close();
  });

  it('keeps schedules in the store, so they survive a restart', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gameday-schedules-'));
    const { clock } = virtualWallClock('2026-11-28T08:00:00Z');
    const first = scheduler(new SqliteDrillStore(join(dataDir, 'gameday.db')), 'one', clock);
    const added = first.add({ name: 'Monthly', cron: '0 9 1 * *', timezone: 'Europe/Berlin', scenario: 'proof-backlog', difficulty: 'hard' });
    first.stop();
    const restarted = scheduler(new SqliteDrillStore(join(dataDir, 'gameday.db')), 'one', clock);
    expect(restarted.list()).toEqual([expect.objectContaining({ id: added.id, name: 'Monthly', cron: '0 9 1 * *', timezone: 'Europe/Berlin', difficulty: 'hard', nextAt: '2026-12-01T08:00:00.000Z', lastFired: null })]);
    restarted.remove(added.id);
    expect(restarted.list()).toEqual([]);
    expect(() => restarted.remove(added.id)).toThrowError(/no schedule/);
  });

  it('rejects a bad schedule naming the field, and adds nothing', () => {
    const { clock } = virtualWallClock('2026-11-28T08:00:00Z');
    const store = new SqliteDrillStore(':memory:');
    const scheduler = new GameDayScheduler({ store, instance: 'one', clock, onDue: () => undefined });
    expect(() => scheduler.add({ cron: '61 * * * *' })).toThrowError(/^cron: .*minute/);
    expect(() => scheduler.add({ cron: '0 9 * * *', timezone: 'Mars/Olympus' })).toThrowError(/timezone|cron/);
    expect(() => scheduler.add({ cron: '0 9 * * *', scenario: 'nope' })).toThrowError(/scenario: unknown scenario "nope"/);
    expect(() => scheduler.add({ cron: '0 9 * * *', windowMinutes: -1 })).toThrowError(/^windowMinutes/);
    expect(() => scheduler.add({ cron: '0 9 * * *', webhook: 'ftp://x' })).toThrowError(/^webhook/);
    expect(() => scheduler.add({ cron: '0 9 * * *', colour: 'red' })).toThrowError(/^colour: is not a schedule field/);
    expect(() => scheduler.add({ cron: '0 0 9 1 1 * 2020' })).toThrowError(/cron/);
    scheduler.add({ id: 'only', cron: '0 9 * * *' });
    expect(() => scheduler.add({ id: 'only', cron: '0 10 * * *' })).toThrowError(/exists already/);
    expect(scheduler.list().map((view) => [view.id, view.cron])).toEqual([['only', '0 9 * * *']]);
  });

  it('imports a schedules.json once at start, renames it, and keeps what the store had', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gameday-schedules-'));
    const file = join(dataDir, 'schedules.json');
    const schedules = [
      { id: 'friday', name: 'Failure Friday', cron: '0 14 * * FRI', timezone: 'UTC', windowMinutes: 0, scenario: 'rollback-storm', difficulty: 'normal', speed: 1, team: 'blue', webhook: null, createdAt: '2026-01-01T00:00:00.000Z' },
      { id: 'surprise', cron: '0 10 * * *', windowMinutes: 60 },
    ];
    writeFileSync(file, JSON.stringify({ schedules }));
    const store = new SqliteDrillStore(join(dataDir, 'gameday.db'));
    store.addSchedule({ id: 'surprise', schedule: { id: 'surprise', cron: '0 11 * * *' }, createdAt: '2025-12-01T00:00:00.000Z' });
    const { clock } = virtualWallClock('2026-11-28T08:00:00Z');
    const first = new GameDayScheduler({ store, instance: 'one', clock, importFile: file, onDue: () => undefined });
    expect(first.imported).toEqual({ file, renamedTo: `${file}.imported`, imported: 1, present: ['surprise'] });
    expect(existsSync(file)).toBe(false);
    expect(JSON.parse(readFileSync(`${file}.imported`, 'utf8'))).toEqual({ schedules });
    expect(first.list().map((view) => [view.id, view.cron])).toEqual([
      ['surprise', '0 11 * * *'],
      ['friday', '0 14 * * FRI'],
    ]);
    expect(first.list()[1]).toMatchObject(schedules[0]!);
    // Once only: the next start has no file to read.
    const again = new GameDayScheduler({ store, instance: 'one', clock, importFile: file, onDue: () => undefined });
    expect(again.imported).toBeNull();
    expect(again.list()).toHaveLength(2);
  });

  it('refuses a damaged schedules file at start and leaves it as it was', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gameday-schedules-'));
    const file = join(dataDir, 'schedules.json');
    writeFileSync(file, '{"schedules": [{"cron": "0 9 * * *"}, {"cron": "not cron"}]}');
    const { clock } = virtualWallClock('2026-11-28T08:00:00Z');
    const store = new SqliteDrillStore(':memory:');
    const open = () => new GameDayScheduler({ store, instance: 'one', clock, importFile: file, onDue: () => undefined });
    expect(open).toThrowError(ScheduleFileError);
    expect(open).toThrowError(/schedule 2: cron: .*left untouched/);
    expect(readFileSync(file, 'utf8')).toBe('{"schedules": [{"cron": "0 9 * * *"}, {"cron": "not cron"}]}');
    // Nothing was imported from a file refused.
    expect(store.schedules()).toEqual([]);
    writeFileSync(file, '{oops');
    expect(open).toThrowError(/not valid JSON.*left untouched/);
  });
});

describe('schedules shared by instances on one store', () => {
  function sharedStore() {
    const dataDir = mkdtempSync(join(tmpdir(), 'gameday-schedules-'));
    return () => new SqliteDrillStore(join(dataDir, 'gameday.db'));
  }

  it('fires each occurrence once, on whichever instance claims it first, and both list who opened what', async () => {
    const open = sharedStore();
    const { clock, sim } = virtualWallClock('2026-11-27T09:00:00Z');
    const opened: Array<{ instance: string; at: string }> = [];
    const one = scheduler(open(), 'one', clock, opened);
    const two = scheduler(open(), 'two', clock, opened);
    one.start();
    two.start();
    const added = one.add({ cron: '0 * * * *', windowMinutes: 30 });
    // The moment in the window is the same on both: each claims the same key.
    expect(two.list()[0]!.opensAt).toBe(added.opensAt);
    sim.advanceBy(91 * 60_000);
    await until(() => opened.length > 0);
    sim.advanceBy(60 * 60_000);
    await until(() => opened.length > 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(opened.map((firing) => firing.at)).toEqual([added.opensAt, one.list()[0]!.lastFired!.at]);
    expect(Date.parse(opened[1]!.at)).toBeGreaterThanOrEqual(Date.parse('2026-11-27T11:00:00Z'));
    expect(Date.parse(opened[1]!.at)).toBeLessThan(Date.parse('2026-11-27T11:30:00Z'));
    // The firing's row says which instance opened which session; every instance lists it.
    const last = one.list()[0]!.lastFired!;
    expect(last).toEqual({ at: opened[1]!.at, firedAt: opened[1]!.at, instance: opened[1]!.instance, session: `S-${opened[1]!.instance}-2`, error: null });
    expect(two.list()[0]!.lastFired).toEqual(last);
    one.stop();
    two.stop();
  });

  it('arms on every instance what one added (re-read every 5 s), and fires nothing another removed', async () => {
    const open = sharedStore();
    const { clock, sim } = virtualWallClock('2026-11-27T09:59:00Z');
    const opened: Array<{ instance: string; at: string }> = [];
    const one = scheduler(open(), 'one', clock, opened);
    const two = scheduler(open(), 'two', clock, opened);
    one.start();
    two.start();
    one.add({ id: 'ten', cron: '0 10 * * *' });
    // Two re-reads the store within 5 s; then one stops, and two fires it alone.
    sim.advanceBy(5000);
    one.stop();
    sim.advanceBy(60_000);
    await until(() => opened.length > 0);
    expect(opened).toEqual([{ instance: 'two', at: '2026-11-27T10:00:00.000Z' }]);
    // Removed on one while two, which has it armed, has not re-read yet: two's claim finds it gone.
    one.start();
    one.add({ id: 'eleven', cron: '0 11 * * *' });
    sim.advanceBy(59 * 60_000 - 2000);
    one.stop();
    one.remove('eleven');
    sim.advanceBy(10_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(opened).toHaveLength(1);
    expect(two.list().map((view) => view.id)).toEqual(['ten']);
    two.stop();
  });

  it('records why an occurrence opened no session', async () => {
    const open = sharedStore();
    const { clock, sim } = virtualWallClock('2026-11-27T09:59:00Z');
    const errors: string[] = [];
    const failing = new GameDayScheduler({
      store: open(),
      instance: 'one',
      clock,
      onDue: () => {
        throw new Error('no port free');
      },
      onError: (schedule, error) => errors.push(`${schedule.id}: ${String(error)}`),
    });
    failing.start();
    failing.add({ id: 'ten', cron: '0 10 * * *' });
    sim.advanceBy(60_000);
    await until(() => errors.length > 0);
    expect(errors).toEqual(['ten: Error: no port free']);
    expect(failing.list()[0]!.lastFired).toMatchObject({ at: '2026-11-27T10:00:00.000Z', instance: 'one', session: null, error: 'no port free' });
    failing.stop();
  });
});

/** A scheduler on `store` whose sessions are named by instance and count, noted in `opened`. */
function scheduler(store: SqliteDrillStore, instance: string, clock: SchedulerClock, opened: Array<{ instance: string; at: string }> = []): GameDayScheduler {
  return new GameDayScheduler({
    store,
    instance,
    clock,
    onDue: (_schedule, at) => {
      opened.push({ instance, at: at.toISOString() });
      return `S-${instance}-${opened.length}`;
    },
  });
}

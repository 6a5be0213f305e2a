import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SimClock } from '../clock/sim-clock';
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

  it('opens a surprise at a random moment inside its window, and starts it', async () => {
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

  it('keeps schedules in the data folder, so they survive a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gameday-schedules-'));
    const { clock } = virtualWallClock('2026-11-28T08:00:00Z');
    const first = new GameDayScheduler({ file: join(dataDir, 'schedules.json'), clock, onDue: () => undefined });
    const added = first.add({ name: 'Monthly', cron: '0 9 1 * *', timezone: 'Europe/Berlin', scenario: 'proof-backlog', difficulty: 'hard' });
    first.stop();
    const restarted = new GameDayScheduler({ file: join(dataDir, 'schedules.json'), clock, onDue: () => undefined });
    expect(restarted.list()).toEqual([expect.objectContaining({ id: added.id, name: 'Monthly', cron: '0 9 1 * *', timezone: 'Europe/Berlin', difficulty: 'hard', nextAt: '2026-12-01T08:00:00.000Z' })]);
    restarted.remove(added.id);
    expect(JSON.parse(readFileSync(join(dataDir, 'schedules.json'), 'utf8'))).toEqual({ schedules: [] });
  });

  it('rejects a bad schedule naming the field, and adds nothing', () => {
    const { clock } = virtualWallClock('2026-11-28T08:00:00Z');
    const scheduler = new GameDayScheduler({ file: null, clock, onDue: () => undefined });
    expect(() => scheduler.add({ cron: '61 * * * *' })).toThrowError(/^cron: .*minute/);
    expect(() => scheduler.add({ cron: '0 9 * * *', timezone: 'Mars/Olympus' })).toThrowError(/timezone|cron/);
    expect(() => scheduler.add({ cron: '0 9 * * *', scenario: 'nope' })).toThrowError(/scenario: unknown scenario "nope"/);
    expect(() => scheduler.add({ cron: '0 9 * * *', windowMinutes: -1 })).toThrowError(/^windowMinutes/);
    expect(() => scheduler.add({ cron: '0 9 * * *', webhook: 'ftp://x' })).toThrowError(/^webhook/);
    expect(() => scheduler.add({ cron: '0 9 * * *', colour: 'red' })).toThrowError(/^colour: is not a schedule field/);
    expect(scheduler.list()).toEqual([]);
  });

  it('refuses a damaged schedules file at start and leaves it as it was', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gameday-schedules-'));
    const file = join(dataDir, 'schedules.json');
    writeFileSync(file, '{"schedules": [{"cron": "not cron"}]}');
    const { clock } = virtualWallClock('2026-11-28T08:00:00Z');
    expect(() => new GameDayScheduler({ file, clock, onDue: () => undefined })).toThrowError(ScheduleFileError);
    expect(() => new GameDayScheduler({ file, clock, onDue: () => undefined })).toThrowError(/schedule 1: cron: .*left untouched/);
    expect(readFileSync(file, 'utf8')).toBe('{"schedules": [{"cron": "not cron"}]}');
    writeFileSync(file, '{oops');
    expect(() => new GameDayScheduler({ file, clock, onDue: () => undefined })).toThrowError(/not valid JSON.*left untouched/);
  });
});

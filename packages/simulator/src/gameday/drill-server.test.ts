import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer as createNetServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Drill } from '../drill/drill';
import { DrillSlot } from '../http/plugins/drill-context';
import { createServer } from '../http/server';
import { SqliteDrillStore } from '../storage/sqlite-drill-store';
import { startDrillServer } from './drill-server';

const tokens = { admin: 'drill-server-admin', facilitator: 'drill-server-facilitator' };
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function setUp() {
  const dataDir = mkdtempSync(join(tmpdir(), 'gameday-drill-server-'));
  const store = new SqliteDrillStore(':memory:');
  const drill = new Drill({ scenario: 'baseline', seed: 3, clock: 'virtual', speed: 1, difficulty: 'normal' });
  cleanup.push(() => {
    drill.stop();
    store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return { dataDir, store, drill };
}

async function occupy(): Promise<{ port: number; server: Server }> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: (server.address() as { port: number }).port, server };
}

describe('startDrillServer', () => {
  it('listens, writes the drill folder, logs the drill’s inputs, and hands the log to a drill put in the slot', async () => {
    const { dataDir, store, drill } = setUp();
    const slot = new DrillSlot(drill);
    const started = await startDrillServer({
      drill,
      create: () => createServer({ drill, slot, tokens, store }),
      host: '127.0.0.1',
      listen: { port: 0 },
      workspace: { dataDir, adminToken: tokens.admin, facilitatorToken: tokens.facilitator },
      inputs: { store, slot: 'solo:test', extra: (port) => ({ port }), followSlot: true },
    });
    cleanup.push(() => started.server.close());
    expect(started.record.url).toBe(`http://127.0.0.1:${started.port}`);
    expect(existsSync(started.record.workDir)).toBe(true);
    expect(slot.workspace?.record).toEqual(started.record);
    expect(store.liveDrills().map((record) => [record.slot, record.extra])).toEqual([['solo:test', { port: started.port }]]);
    const first = started.log()!;

    const next = new Drill({ scenario: 'baseline', seed: 4, clock: 'virtual', speed: 1, difficulty: 'normal' });
    cleanup.push(() => next.stop());
    slot.current = next;
    expect(started.log()).not.toBe(first);
    expect(store.liveDrills().map((record) => record.id)).toEqual([started.log()!.drillId]);
  });

  it('takes the preferred port when free, else the next of the range, and refuses with CONFLICT when the range is used up', async () => {
    const { dataDir, store, drill } = setUp();
    const taken = await occupy();
    const start = (listen: Parameters<typeof startDrillServer>[0]['listen']) =>
      startDrillServer({ drill, create: () => createServer({ drill, tokens, store }), host: '127.0.0.1', listen, workspace: { dataDir, adminToken: tokens.admin, facilitatorToken: tokens.facilitator } });
    const elsewhere = await start({ preferred: taken.port });
    cleanup.push(() => elsewhere.server.close());
    expect(elsewhere.port).not.toBe(taken.port);
    expect(store.liveDrills()).toEqual([]);
    await expect(start({ preferred: taken.port, range: { from: taken.port, to: taken.port } })).rejects.toMatchObject({ code: 'CONFLICT', message: `no free port for the session in ${taken.port}-${taken.port}` });
  });
});

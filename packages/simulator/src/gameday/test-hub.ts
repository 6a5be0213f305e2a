/**
 * A game-day hub for package tests: real session servers on loopback ports (sockets need a
 * listening server), an in-memory store, a temporary data folder, and the facilitator's own
 * main server built around it for `inject`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Drill } from '../drill/drill';
import { createServer } from '../http/server';
import { SqliteDrillStore } from '../storage/sqlite-drill-store';
import { createReadinessMetrics } from '../metrics/readiness-metrics';
import { GameDayHub, type HubOptions } from './game-day-hub';

export const hubTokens = { admin: 'hub-admin-token', facilitator: 'hub-facilitator-token' };
export const facilitator = { authorization: `Bearer ${hubTokens.facilitator}` };

export interface TestHub {
  hub: GameDayHub;
  main: FastifyInstance;
  store: SqliteDrillStore;
  dataDir: string;
  close(): Promise<void>;
}

export async function buildTestHub(options: Partial<HubOptions> = {}): Promise<TestHub> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'gameday-hub-'));
  const store = new SqliteDrillStore(':memory:');
  const readiness = createReadinessMetrics();
  const hub: GameDayHub = new GameDayHub({
    dataDir,
    host: '127.0.0.1',
    store,
    facilitatorToken: hubTokens.facilitator,
    clock: 'realtime',
    publicUrl: () => 'http://127.0.0.1:9090',
    startServer: (session) => createServer({ drill: session.drill, tokens: { admin: session.adminToken, facilitator: hubTokens.facilitator }, store, readiness, session, leaderboardFreeze: hub }),
    ...options,
  });
  const drill = new Drill({ scenario: 'baseline', seed: 1, clock: 'virtual', speed: 1, difficulty: 'normal' });
  drill.start();
  const main = await createServer({ drill, tokens: hubTokens, store, readiness, hub });
  hub.start();
  return {
    hub,
    main,
    store,
    dataDir,
    async close() {
      await hub.closeAll();
      await main.close();
      drill.stop();
      store.close();
      if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

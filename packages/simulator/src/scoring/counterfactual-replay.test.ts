/**
 * "Your drill replayed" must be the drill you played: the counterfactual run rebuilt from a
 * finished drill's facts (its run key and the responder's intents) reaches the same world as the
 * live drill at the same moments. Each drill here is played through the HTTP API by a ladder
 * strategy; the world's checkpoint is taken at moments between the responder's moves, and the
 * replay, advanced to each moment, gives the same world parts (the clock, the phase and harm,
 * the config, the cluster's deployments and pods, the readings, the alerts). The journal's count
 * and the trainee's record are not the world: declarations and reads change neither the service
 * nor the cluster, and the replay leaves them out.
 */
import { describe, expect, it } from 'vitest';
import type { Difficulty } from '@gameday/scenarios';
import { DrillSlot } from '../http/plugins/drill-context';
import { createServer } from '../http/server';
import { adminAuth, testTokens } from '../http/test-server';
import { SqliteDrillStore } from '../storage/sqlite-drill-store';
import { finishDrill } from './drill-debrief';
import { worldCheckpoint, type WorldCheckpoint } from '../drill/world-fingerprint';
import { replayRun } from './counterfactual-runs';
import type { Responder } from './ideal-responders';
import { responderIntents, runKeyOf } from './journal-replay';
import { incidentScenarios, openDrill, playHonestly } from './test-drill-play';
// After the scenarios (test-drill-play loads them): the drill's world reads their declarations.
import { Drill } from '../drill/drill';
import { playStrategy, strategies, type StrategyName } from './test-strategy-responders';

const worldParts = ['simMs', 'phase', 'config', 'cluster', 'readings', 'alerts'] as const;
const partsOf = (checkpoint: WorldCheckpoint) => Object.fromEntries(worldParts.map((part) => [part, checkpoint.parts[part]]));

/** Wraps a responder so that, every `everyLooks` looks, the world is checkpointed where no move is made. */
function recording(inner: Responder, moments: Array<{ simMs: number; parts: Record<string, unknown> }>, everyLooks = 6): Responder {
  let looks = 0;
  return {
    get taken() {
      return inner.taken;
    },
    act(drill: Drill) {
      const checkpoint = worldCheckpoint(drill);
      const moves = inner.act(drill);
      if (moves.length === 0 && looks++ % everyLooks === 0) moments.push({ simMs: drill.clock.now(), parts: partsOf(checkpoint) });
      return moves;
    },
  };
}

const cases: Array<{ scenario: string; seed: number; difficulty: Difficulty; strategy: StrategyName }> = [
  { scenario: 'rollback-storm', seed: 11, difficulty: 'normal', strategy: 'ideal' },
  { scenario: 'memory-exhaustion', seed: 13, difficulty: 'normal', strategy: 'late by 40 min' },
  { scenario: 'proof-backlog', seed: 12, difficulty: 'normal', strategy: 'spams every command' },
  { scenario: 'state-corruption', seed: 7, difficulty: 'hard', strategy: 'harmful' },
  { scenario: 'stake-slashing', seed: 11, difficulty: 'normal', strategy: 'ideal' },
  { scenario: 'gateway-crashloop', seed: 12, difficulty: 'normal', strategy: 'ideal' },
];

describe('the drill replayed from its facts', () => {
  it.each(cases)('$scenario seed $seed ($difficulty), $strategy: the same world at every recorded moment', async ({ scenario, seed, difficulty, strategy }) => {
    const open = await openDrill(scenario, seed, difficulty);
    const moments: Array<{ simMs: number; parts: Record<string, unknown> }> = [];
    try {
      const player = strategies[strategy](scenario);
      const finished = await playStrategy(open, { ...player, responder: recording(player.responder, moments) });
      expect(moments.length).toBeGreaterThan(5);
      const key = runKeyOf(finished.facts);
      expect(key).not.toBeNull();
      const replay = replayRun(key!, responderIntents(finished.facts));
      try {
        for (const moment of moments) {
          replay.advanceTo(moment.simMs);
          expect(partsOf(worldCheckpoint(replay.drill)), `at ${moment.simMs / 1000} s`).toEqual(moment.parts);
        }
      } finally {
        replay.stop();
      }
    } finally {
      await open.close();
    }
  }, 120_000);
});

/** Checkpoints the world every `everyMs` simulated, half a second past (between two ticks), whatever the requests do meanwhile. */
function sampleEvery(drill: Drill, moments: Array<{ simMs: number; parts: Record<string, unknown> }>, everyMs = 60_000): void {
  const sample = () => {
    moments.push({ simMs: drill.clock.now(), parts: partsOf(worldCheckpoint(drill)) });
    if (moments.length < 2_000) drill.clock.setTimeout(sample, everyMs);
  };
  drill.clock.setTimeout(sample, everyMs + 500 - (drill.clock.now() % everyMs));
}

describe('a drill played with real requests (drains that skip the clock, kube writes, declarations), replayed from its facts', () => {
  it.each(incidentScenarios.flatMap((scenario) => [11, 13].map((seed) => ({ scenario, seed }))))('$scenario seed $seed: the same world every minute', async ({ scenario, seed }) => {
    const open = await openDrill(scenario, seed);
    const moments: Array<{ simMs: number; parts: Record<string, unknown> }> = [];
    try {
      sampleEvery(open.drill, moments);
      const finished = await playHonestly(open);
      // Continued past the finish with nobody acting, as the counterfactual run is.
      const endMs = open.drill.clock.now();
      open.drill.clock.advanceBy(10 * 60_000);
      expect(moments.length).toBeGreaterThan(5);
      const replay = replayRun(runKeyOf(finished.facts)!, responderIntents(finished.facts));
      try {
        for (const moment of moments) {
          replay.advanceTo(moment.simMs);
          expect(partsOf(worldCheckpoint(replay.drill)), `at ${moment.simMs / 1000} s (finished at ${endMs / 1000} s)`).toEqual(moment.parts);
        }
      } finally {
        replay.stop();
      }
    } finally {
      await open.close();
    }
  }, 120_000);
});

describe('a realtime drill, requests at odd moments and one while a drain is still running, replayed from its facts', () => {
  it.each([
    { scenario: 'rollback-storm', seed: 11 },
    { scenario: 'state-corruption', seed: 12 },
    { scenario: 'proof-backlog', seed: 13 },
  ])('$scenario seed $seed: the same world every five seconds', async ({ scenario, seed }) => {
    let wall = 1_000_000;
    const drill = new Drill({ scenario, seed, clock: 'realtime', speed: 1, difficulty: 'normal', trainee: 'Ada', wallNow: () => wall });
    drill.start();
    const store = new SqliteDrillStore(':memory:');
    const server = await createServer({ drill, slot: new DrillSlot(drill), store, tokens: testTokens });
    const moments: Array<{ simMs: number; parts: Record<string, unknown> }> = [];
    const pass = (ms: number) => {
      wall += ms;
      drill.clock.catchUp();
    };
    const send = (method: 'POST' | 'PATCH', url: string, body?: unknown) =>
      server.inject({ method, url, headers: { ...adminAuth, 'content-type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json' }, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) });
    try {
      sampleEvery(drill, moments, 5_000);
      for (let step = 0; step < 3_600 && drill.world.alerts.firing().length === 0; step++) pass(997);
      pass(1_234);
      // A drain that answers once drained (or 202 a wall second later): while it runs, the cluster is scaled.
      const drain = send('POST', '/admin/speculation/drain?wait_s=1');
      for (let turn = 0; turn < 200 && !drill.world.draining; turn++) await new Promise((resolve) => setImmediate(resolve));
      expect(drill.world.draining).toBe(true);
      pass(1_500);
      expect((await send('PATCH', '/apis/apps/v1/namespaces/production/deployments/agenc-worker/scale', { spec: { replicas: 2 } })).statusCode).toBe(200);
      expect(drill.world.draining).toBe(true);
      for (let step = 0; step < 600 && drill.world.draining; step++) pass(777);
      expect([200, 202]).toContain((await drain).statusCode);
      pass(2_345);
      expect((await send('POST', '/admin/config', { 'speculation.enabled': false })).statusCode).toBe(200);
      pass(4_321);
      expect((await send('POST', '/admin/config', { 'speculation.max_depth': 2 })).statusCode).toBe(200);
      pass(61_789);
      expect((await send('POST', '/admin/config', { 'speculation.enabled': true, 'speculation.max_depth': 1 })).statusCode).toBe(200);
      pass(10 * 60_000 + 333);
      const finished = finishDrill(drill, store);
      pass(5 * 60_000);
      // Every change notes the moment it acted: the entry is written when the answer goes out (the drain's a wall second later).
      const writes = finished.facts.filter((entry) => entry.source === 'admin' || entry.source === 'kube').filter((entry) => entry.detail?.method !== 'GET');
      expect(writes.length).toBeGreaterThanOrEqual(5);
      for (const entry of writes) expect(entry.detail?.startedAtMs, entry.action).toEqual(expect.any(Number));
      expect(writes.some((entry) => (entry.detail!.startedAtMs as number) < entry.simMs)).toBe(true);
      expect(moments.length).toBeGreaterThan(5);
      const replay = replayRun(runKeyOf(finished.facts)!, responderIntents(finished.facts));
      try {
        for (const moment of moments) {
          replay.advanceTo(moment.simMs);
          expect(partsOf(worldCheckpoint(replay.drill)), `at ${moment.simMs / 1000} s`).toEqual(moment.parts);
        }
      } finally {
        replay.stop();
      }
    } finally {
      await server.close();
      drill.stop();
      store.close();
    }
  }, 120_000);
});

/**
 * Builds an app around a fresh virtual-clock drill for package tests (`app.inject`, no port),
 * and fingerprints the world so a test can prove a rejected request changed nothing.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach } from 'vitest';
import { Drill, type DrillOptions } from '../drill/drill';
import { createServer } from './server';
import { DrillSlot } from './plugins/drill-context';

export const testTokens = { admin: 'test-admin-token', facilitator: 'test-facilitator-token' };
export const adminAuth = { authorization: `Bearer ${testTokens.admin}` };
export const facilitatorAuth = { authorization: `Bearer ${testTokens.facilitator}` };

export async function buildTestServer(options: Partial<DrillOptions> = {}): Promise<{ server: FastifyInstance; drill: Drill; slot: DrillSlot }> {
  const drill = new Drill({ scenario: 'baseline', seed: 1234, clock: 'virtual', speed: 1, difficulty: 'normal', ...options });
  drill.start();
  const slot = new DrillSlot(drill);
  const server = await createServer({ drill, slot, tokens: testTokens });
  return { server, drill, slot };
}

/** Everything a responder can change, as one comparable value. */
export function worldFingerprint(drill: Drill): string {
  const world = drill.world;
  return JSON.stringify({
    simMs: drill.clock.now(),
    config: world.config,
    draining: world.draining,
    replicas: [...world.cluster.deployments.values()].map((deployment) => [deployment.name, deployment.replicas, deployment.generation]),
    pods: world.cluster.pods.map((pod) => [pod.name, pod.status]),
    snapshots: world.snapshotCount(),
    stuckProofs: world.stuckProofCount(),
    gcRuns: world.gcRuns,
    heap: [...world.heapGarbage.values()],
    integrityChecks: world.integrityChecks,
    phase: drill.phase(),
  });
}

/**
 * A fresh server and drill for each test of the calling file, closed after it. Read them
 * through the returned object (`t.server`, `t.drill`); `replace` swaps in another drill.
 */
export function useTestServer(options: Partial<DrillOptions> = {}): { server: FastifyInstance; drill: Drill; slot: DrillSlot; replace(other: Partial<DrillOptions>): Promise<void> } {
  const current = {} as { server: FastifyInstance; drill: Drill; slot: DrillSlot; replace(other: Partial<DrillOptions>): Promise<void> };
  const close = async () => {
    await current.server.close();
    current.drill.stop();
    current.slot.current.stop();
  };
  current.replace = async (other) => {
    await close();
    Object.assign(current, await buildTestServer(other));
  };
  beforeEach(async () => {
    Object.assign(current, await buildTestServer(options));
  });
  afterEach(close);
  return current;
}

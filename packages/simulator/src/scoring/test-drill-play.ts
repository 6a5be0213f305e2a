/**
 * Plays a whole incident drill through the app in-process, the way a careful responder would,
 * for the scoring tests: page, acknowledge, severity, the runbook's Immediate Actions (sent as
 * a plain client would send them, no agenc header), comms, escalation, mitigation, resolution.
 * Hooks let a test do something else at a given moment (flood the server, say).
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { alertNames, findScenario, matrixEscalations, severities, type Difficulty, type Severity } from '@gameday/scenarios';

const isSeverity = (value: string): value is Severity => (severities as readonly string[]).includes(value);
import { Drill } from '../drill/drill';
import { DrillSlot } from '../http/plugins/drill-context';
import { createServer } from '../http/server';
import { adminAuth, testTokens } from '../http/test-server';
import { LiveDrillLog } from '../storage/live-drill-log';
import { SqliteDrillStore } from '../storage/sqlite-drill-store';
import type { FinishedDrill } from '../storage/drill-store';
import { worstAssessedSince } from './commander-process';


export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT';
export interface Call {
  method: Method;
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface OpenDrill {
  server: FastifyInstance;
  drill: Drill;
  store: SqliteDrillStore;
  /** One request, with the admin token unless `headers` says otherwise. */
  send(call: Call): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/**
 * A fresh virtual-clock drill of `scenario` (fixed seed), its server and an in-memory store.
 * `ranked`: a ranked drill whose inputs are logged from its start, as `gameday serve` logs them
 * (what a ghost is replayed from).
 */
export async function openDrill(scenario: string, seed = 11, difficulty: Difficulty = 'normal', { ranked = false }: { ranked?: boolean } = {}): Promise<OpenDrill> {
  const store = new SqliteDrillStore(':memory:');
  const drill = new Drill({ scenario, seed, clock: 'virtual', speed: 1, difficulty, trainee: 'Ada', team: 'sre-blue', ...(ranked ? { ranked: true } : {}) });
  if (ranked) LiveDrillLog.begin(store, 'solo:test', drill, {});
  drill.start();
  const server = await createServer({ drill, slot: new DrillSlot(drill), store, tokens: testTokens });
  const send = (call: Call) => {
    const headers: Record<string, string> = { ...adminAuth, ...call.headers };
    // curl -d labels its body form-urlencoded; kubectl sends a merge patch. The service reads JSON either way.
    if (call.body !== undefined) headers['content-type'] ??= call.method === 'PATCH' ? 'application/merge-patch+json' : 'application/x-www-form-urlencoded';
    return server.inject({ method: call.method, url: call.url, headers, ...(call.body === undefined ? {} : { payload: JSON.stringify(call.body) }) });
  };
  return {
    server,
    drill,
    store,
    send,
    close: async () => {
      await server.close();
      drill.stop();
      store.close();
    },
  };
}

/** Advances a second at a time until `done` or `maxMs`. */
export function runUntil(drill: Drill, done: () => boolean, maxMs: number): void {
  const from = drill.clock.now();
  while (!done() && drill.clock.now() - from < maxMs) drill.clock.advanceBy(1000);
}

export const isPaged = (drill: Drill) => () => (drill.scenario.spec ? alertNames(drill.scenario.spec) : []).some((alert) => drill.world.alerts.firing().includes(alert));

const config = (changes: Record<string, unknown>): Call => ({ method: 'POST', url: '/admin/config', body: changes });

/** The runbook's Immediate Actions of each incident, as the requests its commands make. */
export const immediateActions: Record<string, Call[]> = {
  'rollback-storm': [config({ 'speculation.enabled': false }), { method: 'POST', url: '/admin/speculation/drain' }, { method: 'GET', url: '/admin/speculation/rollbacks?since_ms=600000&verbose=true' }],
  'memory-exhaustion': [
    { method: 'POST', url: '/admin/gc', body: { component: 'speculation', force: true } },
    { method: 'POST', url: '/admin/speculation/snapshots/clear', body: { older_than_ms: 1_800_000 } },
    config({ 'speculation.max_depth': 2 }),
  ],
  'proof-backlog': [
    { method: 'GET', url: '/admin/proof-worker/status' },
    { method: 'PATCH', url: '/apis/apps/v1/namespaces/production/deployments/proof-worker/scale', body: { spec: { replicas: 16 } } },
    config({ 'speculation.features.rollout_percentage': 25 }),
    { method: 'POST', url: '/admin/proof-worker/timeout', body: { older_than_ms: 600_000 } },
  ],
  'state-corruption': [
    config({ 'speculation.enabled': false }),
    { method: 'PATCH', url: '/apis/apps/v1/namespaces/production/deployments/agenc-worker/scale', body: { spec: { replicas: 0 } } },
    { method: 'POST', url: '/admin/check-integrity', body: { component: 'speculation', full: true } },
  ],
  'stake-slashing': [config({ 'speculation.enabled': false }), { method: 'GET', url: '/admin/stake/status' }, { method: 'GET', url: '/admin/stake/slashing-history?since_ms=86400000' }],
};

export const incidentScenarios = Object.keys(immediateActions);

export interface PlayHooks {
  /** Right after the drill starts, before the page. */
  beforePage?(open: OpenDrill): Promise<void>;
  /** After the first runbook action, before the others. */
  midway?(open: OpenDrill): Promise<void>;
}

async function expectOk(open: OpenDrill, call: Call): Promise<void> {
  const response = await open.send(call);
  if (response.statusCode >= 300) throw new Error(`${call.method} ${call.url} answered ${response.statusCode}: ${response.body}`);
}

const json = { 'content-type': 'application/json' };
const declare = (open: OpenDrill, severity: Severity) => expectOk(open, { method: 'POST', url: '/trainer/severity', body: { severity, answers: {} }, headers: json });
const post = (open: OpenDrill, channel: string, template: string, text: string) => expectOk(open, { method: 'POST', url: '/trainer/comms', body: { channel, template, text }, headers: json });

/** Plays the drill to its resolution and returns the stored record. */
export async function playHonestly(open: OpenDrill, hooks: PlayHooks = {}): Promise<FinishedDrill> {
  const { drill } = open;
  const scenario = drill.scenario.id;
  await hooks.beforePage?.(open);
  runUntil(drill, isPaged(drill), 60 * 60_000);
  if (!isPaged(drill)()) throw new Error(`${scenario} did not page within an hour`);
  const pageMs = drill.clock.now();
  drill.clock.advanceBy(60_000);
  let severity = worstAssessedSince(drill, pageMs);
  await expectOk(open, { method: 'POST', url: '/trainer/acknowledge' });
  await declare(open, severity);
  if (severity === 'P1') await expectOk(open, { method: 'POST', url: '/trainer/bridge' });
  const [first, ...rest] = immediateActions[scenario] ?? [];
  if (first) await expectOk(open, first);
  await hooks.midway?.(open);
  for (const call of rest) await expectOk(open, call);
  // The picture may have grown while the runbook's actions ran: the call follows it.
  const now = worstAssessedSince(drill, pageMs);
  if (now !== severity) {
    severity = now;
    await declare(open, severity);
    if (severity === 'P1') await open.send({ method: 'POST', url: '/trainer/bridge' });
  }
  const title = findScenario(scenario)?.title ?? scenario;
  await post(open, '#incidents', 'initial-alert', `🚨 [${severity}] Speculation Incident - ${title}\n\n**Status:** Investigating\n**Impact:** as the dashboard shows\n\nNext update in 15 minutes.`);
  if (severity === 'P1') await post(open, 'customers', 'customer-initial', 'Subject: [Investigating] AgenC Speculation Service Degradation\n\nSome transactions may experience delays or failures.\n\nWe are actively working to resolve this and will provide updates every 30 minutes.');
  const spec = findScenario(scenario)?.spec;
  const escalations = [...new Set([...(spec?.escalateTo ?? []), ...(isSeverity(severity) ? matrixEscalations(severity) : [])])];
  for (const to of escalations) await expectOk(open, { method: 'POST', url: '/trainer/escalations', body: { to }, headers: { 'content-type': 'application/json' } });
  runUntil(drill, () => ['mitigated', 'recovered'].includes(drill.phase()), 30 * 60_000);
  drill.clock.advanceBy(2 * 60_000);
  await post(open, '#incidents', 'update', `🔄 [${severity}] Speculation Incident Update\n\n**Status:** Monitoring\n**Impact:** mitigated; watching.\n\nNext update in 30 minutes.`);
  const resolved = await open.send({ method: 'POST', url: '/trainer/declare', body: { state: 'resolved' }, headers: { 'content-type': 'application/json' } });
  if (resolved.statusCode !== 200) throw new Error(`declare resolved answered ${resolved.statusCode}: ${resolved.body}`);
  const stored = open.store.get(resolved.json<{ drillId: string }>().drillId);
  if (!stored) throw new Error('the finished drill was not stored');
  return stored;
}

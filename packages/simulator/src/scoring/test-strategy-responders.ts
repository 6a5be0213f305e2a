/**
 * The strategy ladder's responders, and how one plays a drill through the app in-process: each
 * move is the request a real client sends (the admin API, the Kubernetes API as kubectl sends
 * it, the trainer's declarations), journaled by the HTTP layer as any request is. The ideal is
 * the very script the counterfactual runs measure against; the others are it with a part left
 * out or done late, or strategies of their own.
 */
import { escalationTargets, matrixEscalations, severities, type Severity } from '@gameday/scenarios';
import type { Drill } from '../drill/drill';
import { finishDrill } from './drill-debrief';
import { idealResponder, ScriptedResponder, responderStepMs, type Move, type Responder, type ScriptStep, type ScriptView } from './ideal-responders';
import type { Call, OpenDrill } from './test-drill-play';
import type { FinishedDrill } from '../storage/drill-store';

const json = { 'content-type': 'application/json' };
const ns = '/apis/apps/v1/namespaces/production';

/** The request a move makes, as curl, agenc or kubectl would send it. */
async function callsOf(open: OpenDrill, move: Move): Promise<Call[]> {
  switch (move.kind) {
    case 'config':
      return [{ method: 'POST', url: '/admin/config', body: move.changes }];
    case 'scale':
      return [{ method: 'PATCH', url: `${ns}/deployments/${move.deployment}/scale`, body: { spec: { replicas: move.replicas } } }];
    case 'drain':
      return [{ method: 'POST', url: '/admin/speculation/drain' }];
    case 'gc':
      return [{ method: 'POST', url: '/admin/gc', body: { component: 'speculation', force: move.force } }];
    case 'clear-snapshots':
      return [{ method: 'POST', url: '/admin/speculation/snapshots/clear', body: { older_than_ms: move.olderThanMs } }];
    case 'check-integrity':
      return [{ method: 'POST', url: '/admin/check-integrity', body: { component: 'speculation', full: move.full } }];
    case 'timeout-proofs':
      return [{ method: 'POST', url: '/admin/proof-worker/timeout', body: { older_than_ms: move.olderThanMs } }];
    case 'stake-status':
      return [{ method: 'GET', url: '/admin/stake/status' }];
    case 'rollout-undo': {
      // What kubectl sends: the previous revision's template (less its hash label) and annotations, read from the ReplicaSets.
      const component = open.drill.world.cluster.deployments.get(move.deployment)?.labels.component;
      if (!component) return [];
      const list = (await open.send({ method: 'GET', url: `${ns}/replicasets?labelSelector=${encodeURIComponent(`component=${component}`)}` })).json<{
        items: Array<{ metadata: { annotations: Record<string, string> }; spec: { template: { metadata: { labels: Record<string, string> } } } }>;
      }>();
      const revision = (item: (typeof list.items)[number]) => Number(item.metadata.annotations['deployment.kubernetes.io/revision']);
      const sorted = [...list.items].sort((a, b) => revision(b) - revision(a));
      const target = sorted[1];
      if (!target) return [];
      const template = structuredClone(target.spec.template);
      delete template.metadata.labels['pod-template-hash'];
      const annotations: Record<string, string> = { 'deployment.kubernetes.io/revision': String(revision(sorted[0]!)) };
      const cause = target.metadata.annotations['kubernetes.io/change-cause'];
      if (cause !== undefined) annotations['kubernetes.io/change-cause'] = cause;
      const patch = [
        { op: 'replace', path: '/spec/template', value: template },
        { op: 'replace', path: '/metadata/annotations', value: annotations },
      ];
      return [{ method: 'PATCH', url: `${ns}/deployments/${move.deployment}`, body: patch, headers: { 'content-type': 'application/json-patch+json', 'kubectl-command': 'kubectl rollout undo' } }];
    }
    case 'set-template': {
      const name = move.deployment;
      const container: Record<string, unknown> = { name };
      if (move.memoryLimitBytes !== undefined) container.resources = { limits: { memory: `${move.memoryLimitBytes / 1024 ** 3}Gi` } };
      if (move.image !== undefined) container.image = move.image;
      return [
        {
          method: 'PATCH',
          url: `${ns}/deployments/${name}`,
          body: { spec: { template: { spec: { [`$setElementOrder/containers`]: [{ name }], containers: [container] } } } },
          headers: { 'content-type': 'application/strategic-merge-patch+json', 'kubectl-command': 'kubectl set resources' },
        },
      ];
    }
    case 'read':
      switch (move.what) {
        case 'rollbacks':
          return [{ method: 'GET', url: '/admin/speculation/rollbacks?since_ms=600000&verbose=true' }];
        case 'proof-worker-status':
          return [{ method: 'GET', url: '/admin/proof-worker/status' }];
        case 'slashing-history':
          return [{ method: 'GET', url: '/admin/stake/slashing-history?since_ms=86400000' }];
        case 'pods':
          return [{ method: 'GET', url: '/api/v1/namespaces/production/pods' }];
        case 'previous-logs':
          return [{ method: 'GET', url: `/api/v1/namespaces/production/pods/${move.pod ?? ''}/log?previous=true` }];
        case 'rollout-history':
          return [{ method: 'GET', url: `${ns}/replicasets` }];
        case 'rollout-status':
          return [{ method: 'GET', url: `${ns}/deployments/${move.deployment ?? ''}` }];
      }
      return [];
    case 'acknowledge':
      return [{ method: 'POST', url: '/trainer/acknowledge' }];
    case 'severity':
      return [{ method: 'POST', url: '/trainer/severity', body: { severity: move.severity, answers: {} }, headers: json }];
    case 'bridge':
      return [{ method: 'POST', url: '/trainer/bridge' }];
    case 'comms':
      return [{ method: 'POST', url: '/trainer/comms', body: { channel: move.channel ?? '#incidents', template: move.template, text: move.text }, headers: json }];
    case 'escalate':
      return [{ method: 'POST', url: '/trainer/escalations', body: { to: move.to }, headers: json }];
    case 'declare-resolved':
      return [{ method: 'POST', url: '/trainer/declare', body: { state: 'resolved' }, headers: json }];
  }
}

/**
 * The pager acknowledges the alert firing longest: a platform warning that fired before the
 * page is acknowledged first, as a responder clearing the pager would, until the page is.
 */
async function acknowledgeThePage(open: OpenDrill): Promise<void> {
  for (let tries = 0; tries < 8 && open.drill.trainee.acknowledged === null; tries++) {
    if ((await open.send({ method: 'POST', url: '/trainer/acknowledge' })).statusCode !== 200) return;
  }
}

export interface LadderPlayer {
  responder: Responder;
  /** How long after the page it plays before the drill is ended for it (a facilitator ending the session). */
  giveUpAfterMs: number;
}

const paged = (delayMs: number) => (view: ScriptView) => view.pageMs !== null && view.nowMs - view.pageMs >= delayMs;
const once = (label: string, when: ScriptStep['when'], moves: ScriptStep['moves']): ScriptStep => ({ label, part: 'open', when, moves });
const rank = (severity: Severity) => severities.indexOf(severity);
const expectedOf = (drill: Drill): Severity => drill.expectedSeverity() as Severity;

/** Two levels from the right call (P1 is called P3, P3 is called P1). */
export function twoOff(expected: Severity): Severity {
  return severities[rank(expected) <= 1 ? rank(expected) + 2 : rank(expected) - 2]!;
}

function opening(drill: Drill, severity: Severity): Move[] {
  const spec = drill.scenario.spec!;
  const expected = expectedOf(drill);
  return [
    { kind: 'acknowledge' },
    { kind: 'severity', severity },
    ...(expected === 'P1' ? [{ kind: 'bridge' } as const] : []),
    { kind: 'comms', template: 'initial-alert', text: `[${severity}] ${drill.scenario.title}: investigating. Next update in 15 minutes` },
    ...[...new Set([...spec.escalateTo, ...matrixEscalations(expected)])].map((to) => ({ kind: 'escalate', to }) as const),
  ];
}

/** What makes each incident worse, as its section of the runbook forbids. */
const harmfulMoves: Record<string, Move[]> = {
  'rollback-storm': [],
  'memory-exhaustion': [{ kind: 'config', changes: { 'speculation.snapshots.retention_minutes': 240 } }],
  'proof-backlog': [{ kind: 'scale', deployment: 'proof-worker', replicas: 3 }],
  'state-corruption': [{ kind: 'clear-snapshots', olderThanMs: 60_000 }, { kind: 'scale', deployment: 'agenc-worker', replicas: 8 }],
  'stake-slashing': [],
  'gateway-crashloop': [{ kind: 'scale', deployment: 'agenc-gateway', replicas: 0 }],
};

/** A responder that runs every command it knows, every five minutes, for an hour, then declares resolved. */
class Spammer implements Responder {
  readonly taken: Array<{ atMs: number; label: string; part: 'open' }> = [];
  private pageMs: number | null = null;
  private nextMs = 0;
  private declared = false;
  act(drill: Drill): Move[] {
    const now = drill.clock.now();
    if (this.pageMs === null && drill.world.alerts.firing().length > 0) {
      this.pageMs = now;
      this.nextMs = now + 60_000;
    }
    if (this.pageMs === null || this.declared || now < this.nextMs) return [];
    this.nextMs = now + 5 * 60_000;
    this.taken.push({ atMs: now, label: 'every command', part: 'open' });
    if (now - this.pageMs >= 60 * 60_000) {
      this.declared = true;
      return [{ kind: 'declare-resolved' }];
    }
    const pod = drill.world.cluster.podsOf('agenc-gateway')[0]?.name ?? 'agenc-gateway';
    return [
      { kind: 'acknowledge' },
      { kind: 'severity', severity: 'P1' },
      { kind: 'bridge' },
      { kind: 'comms', template: 'update', text: 'Update' },
      ...escalationTargets.map((to) => ({ kind: 'escalate', to }) as const),
      { kind: 'config', changes: { 'speculation.enabled': false } },
      { kind: 'drain' },
      { kind: 'read', what: 'rollbacks' },
      { kind: 'gc', force: true },
      { kind: 'clear-snapshots', olderThanMs: 30 * 60_000 },
      { kind: 'config', changes: { 'speculation.max_depth': 2 } },
      { kind: 'read', what: 'proof-worker-status' },
      { kind: 'scale', deployment: 'proof-worker', replicas: 16 },
      { kind: 'config', changes: { 'speculation.features.rollout_percentage': 25 } },
      { kind: 'timeout-proofs', olderThanMs: 10 * 60_000 },
      { kind: 'scale', deployment: 'agenc-worker', replicas: 0 },
      { kind: 'check-integrity', full: true },
      { kind: 'stake-status' },
      { kind: 'read', what: 'slashing-history' },
      { kind: 'read', what: 'pods' },
      { kind: 'read', what: 'previous-logs', pod },
      { kind: 'read', what: 'rollout-history' },
      { kind: 'rollout-undo', deployment: 'agenc-gateway' },
      { kind: 'rollout-undo', deployment: 'speculation-engine' },
      { kind: 'rollout-undo', deployment: 'proof-worker' },
      { kind: 'config', changes: { 'speculation.enabled': true, 'speculation.max_depth': 4, 'speculation.features.rollout_percentage': 100 } },
      { kind: 'scale', deployment: 'agenc-worker', replicas: 4 },
    ];
  }
}

const hours = (count: number) => count * 3_600_000;

/** The ladder's strategies, by name. */
export const strategies = {
  /** The runbook, the cause's fix, the Recovery, resolved when the world is. */
  ideal: (scenario: string): LadderPlayer => ({ responder: idealResponder(scenario)!, giveUpAfterMs: hours(4) }),
  /** The Immediate Actions and the declarations, then resolved once mitigated: never fixes the cause nor restores service. */
  'never restores': (scenario: string): LadderPlayer => ({
    responder: idealResponder(scenario, { skip: ['fix', 'recover'], declareWhen: (view) => ['mitigated', 'recovered'].includes(view.drill.phase()) || (view.pageMs !== null && view.nowMs - view.pageMs >= 45 * 60_000) })!,
    giveUpAfterMs: hours(4),
  }),
  /** The ideal, 40 minutes late. */
  'late by 40 min': (scenario: string): LadderPlayer => ({ responder: idealResponder(scenario, { openingDelayMs: 40 * 60_000 })!, giveUpAfterMs: hours(5) }),
  /** Acknowledges, calls it P1, disables speculation, declares resolved. */
  lazy: (): LadderPlayer => ({
    responder: new ScriptedResponder([
      once('acknowledge, P1, disable speculation', paged(60_000), () => [{ kind: 'acknowledge' }, { kind: 'severity', severity: 'P1' }, { kind: 'config', changes: { 'speculation.enabled': false } }]),
      once('declare resolved', (view) => view.nowMs - view.lastStepMs >= 5 * 60_000, () => [{ kind: 'declare-resolved' }]),
    ]),
    giveUpAfterMs: hours(1),
  }),
  /** Deepens chains and re-enables early (and the incident's own forbidden moves), but acknowledges, declares, posts and escalates. */
  harmful: (scenario: string): LadderPlayer => ({
    responder: new ScriptedResponder([
      once('open, deepen chains', paged(60_000), (view) => [...opening(view.drill, expectedOf(view.drill)), { kind: 'config', changes: { 'speculation.max_depth': 8 } }, ...(harmfulMoves[scenario] ?? [])]),
      once('disable speculation', (view) => view.nowMs - view.lastStepMs >= 5 * 60_000, () => [{ kind: 'config', changes: { 'speculation.enabled': false } }]),
      once('re-enable early, at full depth', (view) => view.nowMs - view.lastStepMs >= 3 * 60_000, () => [{ kind: 'config', changes: { 'speculation.enabled': true } }, { kind: 'comms', template: 'update', text: 'Update: re-enabled' }]),
      once('declare resolved', (view) => view.nowMs - view.lastStepMs >= 20 * 60_000, () => [{ kind: 'comms', template: 'resolution', text: 'Resolved' }, { kind: 'declare-resolved' }]),
    ]),
    giveUpAfterMs: hours(1),
  }),
  /** Does nothing; the drill is ended an hour after the page. */
  'no-op': (): LadderPlayer => ({ responder: new ScriptedResponder([]), giveUpAfterMs: hours(1) }),
  /** The ideal with a severity two levels off. */
  'wrong severity': (scenario: string): LadderPlayer => ({ responder: idealResponder(scenario, { severity: twoOff })!, giveUpAfterMs: hours(4) }),
  /** Every command it knows, every five minutes, for an hour. */
  'spams every command': (): LadderPlayer => ({ responder: new Spammer(), giveUpAfterMs: hours(2) }),
} as const;

export type StrategyName = keyof typeof strategies;

/**
 * Plays `player` in the open drill until it declares resolved or gives up (then the drill is
 * ended as a facilitator ends a session), looking every `responderStepMs` from its last look
 * exactly as the counterfactual runs do. Returns the stored record.
 */
export async function playStrategy(open: OpenDrill, player: LadderPlayer): Promise<FinishedDrill> {
  const { drill } = open;
  let nextActMs = 0;
  let pageMs: number | null = null;
  const limitMs = hours(6);
  while (drill.clock.now() < limitMs) {
    if (nextActMs > drill.clock.now()) drill.clock.advanceTo(nextActMs);
    if (pageMs === null && drill.world.alerts.firing().length > 0) pageMs = drill.clock.now();
    for (const move of player.responder.act(drill)) {
      if (move.kind === 'acknowledge') {
        await acknowledgeThePage(open);
        continue;
      }
      for (const call of await callsOf(open, move)) {
        const response = await open.send(call);
        if (move.kind === 'declare-resolved' && response.statusCode === 200) {
          const stored = open.store.get(response.json<{ drillId: string }>().drillId);
          if (!stored) throw new Error('the finished drill was not stored');
          return stored;
        }
      }
    }
    nextActMs = drill.clock.now() + responderStepMs;
    if (pageMs !== null && drill.clock.now() - pageMs >= player.giveUpAfterMs) break;
  }
  return finishDrill(drill, open.store);
}

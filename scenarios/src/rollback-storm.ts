/**
 * INC-SPEC-001, cascading rollback storm. An external dependency starts failing; speculative
 * tasks that read from it roll back, and their children roll back after them, further the
 * deeper speculation may chain. The team that owns the dependency notices a few minutes in,
 * says so in #platform-alerts and on its status page, and later announces the recovery there:
 * that announcement, not a hidden timer, is what tells a responder the cause is gone. On hard,
 * a teammate lowered `speculation.task_timeout_ms` shortly before (it is in the config
 * history): tasks now time out and roll back too, during the storm and after it, until someone
 * puts the timeout back. Disabling speculation and draining stop the storm; re-enabling at
 * `max_depth: 1` after the recovery and deepening a step at a time holds; re-enabling before,
 * deepening chains during the storm, or going back to full depth at once while the recovery is
 * fresh (the dependency buckles again under the burst of reads) brings it back. Left running
 * above `rollbackAutoProtect`'s line, the service disables speculation itself: the matrix's P2
 * "speculation auto-disabled".
 */
import { assertEvent, assign, setup } from 'xstate';
import { commonVariant, defaultTrackedConfig, disableSpeculationStep, incidentContext, increaseDepthStep, peakCircumstances, phaseDelays, readingAbove, reenableShallowStep, restoringTooFast, trackedConfigAfter, type CommonVariant, type TrackedConfig, variantFaker, withHarm } from './incident-kit';
import { seededEpochMs } from './primary-region';
import { normalSettings, operationsHurtPerSecond, type ScenarioSpec, type Workaround } from './scenario-spec';
import { type DependencyFailure, type Drivers, type Happening, type ScenarioContext, type ScenarioDefinition, type ScenarioInput, type WorldEvent } from './scenario-types';
import { assessSeverity, calmFacts } from './severity';

/**
 * The service's own protection against a storm: a rollback rate above `rollbackRateAbove`
 * (the 1-minute rate `speculation_rollback_rate` shows) held for `forMs` makes the service set
 * `speculation.enabled` to false itself, log it, and say so in its status. Declared here, with
 * the incident it answers; the world enforces it for every drill.
 */
export const rollbackAutoProtect = { rollbackRateAbove: 0.65, forMs: 5 * 60_000 } as const;

/**
 * The share of finished speculative tasks `speculation.task_timeout_ms` aborts (and rolls back)
 * when tasks take `meanTaskSeconds` on average: task durations are exponential, so it is the
 * chance a task outlives the timeout. Below 0.1% it is none, so the default 30 s timeout costs
 * nothing at any depth. Declared with the incident whose hard variant lowers the timeout; the
 * world applies it in every drill.
 */
export function timedOutShare(timeoutMs: number, meanTaskSeconds: number): number {
  const share = Math.exp(-timeoutMs / 1000 / meanTaskSeconds);
  return share < 0.001 ? 0 : share;
}

/** The world's mean speculative task duration at the normal `max_depth: 4`. */
const normalMeanTaskSeconds = 1.4;

/** The team that owns a dependency, and who of them speaks for it in the channels. */
export interface DependencyOwner {
  team: string;
  person: string;
}

/** A config change a teammate made shortly before the storm (hard only): the second contributing cause. */
export interface TimeoutChange {
  /** Simulated ms after the drill starts; always before onset. */
  atMs: number;
  /** What `speculation.task_timeout_ms` was set to (from the default 30000). */
  timeoutMs: number;
  by: string;
  reason: string;
}

export interface RollbackStormVariant extends CommonVariant {
  /** Rollback rate the dependency's storm reaches at its peak with the default depth (0..1). */
  peakRollbackRate: number;
  /** The failing dependency; rollbacks and logs show its symptoms. */
  cascadeSource: DependencyFailure;
  /** When the dependency recovers (and its team says so), simulated ms after the drill starts. */
  dependencyRecoversAtMs: number;
  /** Who owns the failing dependency. */
  owner: DependencyOwner;
  /** When the owning team notices and posts, simulated ms after the drill starts (after onset). */
  noticedAtMs: number;
  /** What their status page says once they notice. */
  statusWhenNoticed: 'degraded' | 'major_outage';
  /** How long the dependency buckles again if speculation comes back at full depth while its recovery is fresh. */
  relapseMs: number;
  /** Hard only: the lowered task timeout; null on easy and normal. */
  timeoutChange: TimeoutChange | null;
}

export interface RollbackStormContext extends ScenarioContext {
  variant: RollbackStormVariant;
  /** The wall-clock instant simulated time 0 stands for: the owners' messages give UTC times. */
  epochMs: number;
  /** The phase's share of the peak storm (0 while healthy), and whether the engine crashes at it. */
  storm: { fraction: number; crashing: boolean };
  /** The dependency is back (announced in #platform-alerts and on its status page). */
  dependencyRecovered: boolean;
  /** The settings the responder changed (the service's defaults to start). */
  config: TrackedConfig;
  /** `speculation.task_timeout_ms` as the teammate and the responder left it. */
  taskTimeoutMs: number;
  /** When the last cause went; the Recovery's "fresh fix" counts from here. */
  lastFixAtMs: number | null;
  /** Until when the freshly recovered dependency buckles again under a burst of deep chains. */
  relapseUntilMs: number | null;
  /** Which of the outside timeline's happenings are out. */
  announced: { timeoutChange: boolean; noticed: boolean; recovered: boolean };
}

export function rollbackStormVariant(input: ScenarioInput): RollbackStormVariant {
  const faker = variantFaker(input, 1);
  const common = commonVariant(faker, input.difficulty, input.onsetDelayMs);
  const severe = faker.number.float() < 0.6;
  // The same draws, in the same order, as when these were sentences naming the cause.
  const source = faker.helpers.arrayElement<() => DependencyFailure>([
    () => ({ endpoint: `price-feed-${faker.number.int({ min: 1, max: 9 })}.${faker.internet.domainWord()}.internal:443`, mode: 'timeout' }),
    () => ({ endpoint: `${faker.internet.ipv4()}:8545`, mode: 'stale' }),
    () => ({ endpoint: `${faker.internet.domainWord()}-sync:8545`, mode: 'refused' }),
  ])();
  const peakRollbackRate = severe ? faker.number.float({ min: 0.6, max: 0.8, fractionDigits: 2 }) : faker.number.float({ min: 0.3, max: 0.45, fractionDigits: 2 });
  const dependencyRecoversAtMs = common.onsetAtMs + faker.number.int({ min: 15, max: 30 }) * 60_000;
  const workaround = faker.number.float() < 0.35 ? directExecution(faker.number.int({ min: 25, max: 60 })) : null;
  // Drawn after everything above, so existing seeds keep their storms and timings.
  const noticedAtMs = common.onsetAtMs + faker.number.int({ min: 3, max: 8 }) * 60_000 + faker.number.int({ min: 0, max: 59 }) * 1000;
  const person = faker.person.firstName();
  const statusWhenNoticed = source.mode === 'refused' || faker.number.float() < 0.3 ? 'major_outage' : 'degraded';
  const relapseMs = faker.number.int({ min: 3, max: 6 }) * 60_000;
  const teammate = faker.person.firstName().toLowerCase();
  const timeoutChange: TimeoutChange = {
    atMs: Math.round(common.onsetAtMs * faker.number.float({ min: 0.25, max: 0.7 })),
    timeoutMs: faker.helpers.arrayElement([2800, 3000, 3200, 3400]),
    by: teammate,
    reason: faker.helpers.arrayElement([
      `cut p99 of speculative tasks (PERF-${faker.number.int({ min: 100, max: 999 })})`,
      'tighten task timeout so slow tasks free their slots sooner',
      `align with gateway request timeout (OPS-${faker.number.int({ min: 100, max: 999 })})`,
    ]),
  };
  return {
    ...common,
    peakRollbackRate,
    cascadeSource: source,
    dependencyRecoversAtMs,
    workaround,
    // Price feeds belong to the oracle team; RPC and sync nodes to chain infrastructure.
    owner: { team: source.endpoint.startsWith('price-feed-') ? 'oracle-team' : 'chain-infra', person },
    noticedAtMs,
    statusWhenNoticed,
    relapseMs,
    timeoutChange: input.difficulty === 'hard' ? timeoutChange : null,
  };
}

/** Some deployments document a path around speculation for clients that cannot wait for the fix. */
function directExecution(extraLatencyMs: number): Workaround {
  return {
    name: 'direct execution',
    description: `clients may send operations with the header \`x-agenc-exec: direct\` to skip speculation for them (documented in the client SDK): about ${extraLatencyMs} ms slower at p50, never rolled back`,
  };
}

/** The rollback rate the variant reaches at its peak at the default depth: the dependency's storm, plus the lowered timeout's aborts on hard. */
export function peakRateOf(variant: RollbackStormVariant): number {
  return Math.min(0.97, variant.peakRollbackRate + (variant.timeoutChange ? timedOutShare(variant.timeoutChange.timeoutMs, normalMeanTaskSeconds) : 0));
}

/** `HH:MM` in UTC, as the owning team writes times. */
function utcClock(wallMs: number): string {
  return new Date(wallMs).toISOString().slice(11, 16);
}

/** Share of the peak pressure a too-fast restore brings back while the dependency's recovery is fresh. */
const relapseFraction = 0.5;

/**
 * The drivers for where the storm stands: the phase's cascade pressure while the dependency
 * fails, a partial one while it buckles again after a too-fast restore, none once it holds.
 */
function stormDrivers(context: RollbackStormContext): Drivers {
  const { variant, storm } = context;
  const pressure = (fraction: number) => Math.max(0, variant.peakRollbackRate - 0.025) * fraction;
  const failing = !context.dependencyRecovered && storm.fraction > 0;
  const relapsing = context.dependencyRecovered && context.relapseUntilMs !== null;
  // At its peak the storm overloads the engine: cascading failures across the system.
  const crashing: Record<string, number> = failing && storm.crashing ? { 'speculation-engine': 4 } : {};
  return {
    ...context.drivers,
    cascadePressure: failing ? pressure(storm.fraction) : relapsing ? pressure(relapseFraction) : 0,
    cascadeSource: failing || relapsing ? variant.cascadeSource : null,
    crashingDeployments: { ...variant.redHerrings.crashingDeployments, ...crashing },
  };
}

/** Whether the timeout is back where no task of a normal-depth chain outlives it. */
function timeoutRestored(context: Pick<RollbackStormContext, 'taskTimeoutMs'>): boolean {
  return timedOutShare(context.taskTimeoutMs, normalMeanTaskSeconds) === 0;
}

/** Both causes gone: the dependency recovered and (hard) the timeout put back. */
function withCauseFixed(context: RollbackStormContext, simMs: number): Partial<RollbackStormContext> {
  const causeFixed = context.dependencyRecovered && timeoutRestored(context);
  const fixedNow = causeFixed && !context.causeFixed;
  return { causeFixed, lastFixAtMs: fixedNow ? simMs : context.lastFixAtMs };
}

/**
 * What the outside world has done by `simMs`: the teammate's timeout change (hard), the owning
 * team noticing (a message and its status page), the dependency recovering (announced the same
 * way), the end of a relapse. Each happens once, in order, on the first reading at or after its
 * seeded moment.
 */
function advanceTimeline(context: RollbackStormContext, simMs: number): Partial<RollbackStormContext> {
  const { variant } = context;
  const { endpoint } = variant.cascadeSource;
  const from = `${variant.owner.person} (${variant.owner.team})`;
  const happenings: Happening[] = [];
  const announced = { ...context.announced };
  let next: RollbackStormContext = context;
  const change = variant.timeoutChange;
  if (change && !announced.timeoutChange && simMs >= change.atMs) {
    announced.timeoutChange = true;
    happenings.push({ kind: 'config', changes: { 'speculation.task_timeout_ms': change.timeoutMs }, by: change.by, reason: change.reason });
    next = { ...next, taskTimeoutMs: change.timeoutMs };
  }
  if (!announced.noticed && simMs >= variant.noticedAtMs) {
    announced.noticed = true;
    happenings.push(
      { kind: 'message', channel: '#platform-alerts', from, text: `we're seeing elevated errors on ${endpoint}, investigating` },
      { kind: 'dependency-status', endpoint, owner: variant.owner.team, status: variant.statusWhenNoticed, note: 'Elevated error rates; investigating' },
    );
  }
  // The service's side clears on the reading after the announcement: the drill applies a
  // happening on its next tick, so no reading ever has the cause gone and the news unseen.
  if (context.announced.recovered && !context.dependencyRecovered) next = { ...next, dependencyRecovered: true, lastFixAtMs: simMs };
  if (!announced.recovered && simMs >= variant.dependencyRecoversAtMs) {
    announced.recovered = true;
    happenings.push(
      { kind: 'dependency-status', endpoint, owner: variant.owner.team, status: 'operational', note: 'Recovered; monitoring' },
      { kind: 'message', channel: '#platform-alerts', from, text: `${endpoint} recovered at ${utcClock(context.epochMs + variant.dependencyRecoversAtMs)} UTC, monitoring` },
    );
  }
  if (next.relapseUntilMs !== null && simMs >= next.relapseUntilMs) next = { ...next, relapseUntilMs: null };
  next = { ...next, announced, happenings: happenings.length === 0 ? context.happenings : [...context.happenings, ...happenings] };
  next = { ...next, ...withCauseFixed(next, simMs) };
  return { ...next, drivers: stormDrivers(next) };
}

/** The context after a config change the responder (or the service) made. */
function afterConfigChange(context: RollbackStormContext, event: WorldEvent): Partial<RollbackStormContext> {
  assertEvent(event, 'config.changed');
  const timeout = event.changes['speculation.task_timeout_ms'];
  let next: RollbackStormContext = { ...context, config: trackedConfigAfter(context.config, event), taskTimeoutMs: typeof timeout === 'number' ? timeout : context.taskTimeoutMs };
  next = { ...next, ...withCauseFixed(next, event.simMs) };
  return { ...next, drivers: stormDrivers(next) };
}

/** Why a config change restores speculation too fast while the dependency's recovery is fresh, or null. */
function tooFast(context: RollbackStormContext, event: WorldEvent): string | null {
  if (event.type !== 'config.changed' || !context.dependencyRecovered) return null;
  return restoringTooFast(context.config, trackedConfigAfter(context.config, event), context.lastFixAtMs, event.simMs);
}

export const rollbackStormMachine = setup({
  types: {
    context: {} as RollbackStormContext,
    events: {} as WorldEvent,
    input: {} as ScenarioInput,
  },
  delays: phaseDelays,
  guards: {
    isStormContained: ({ event }) => event.type === 'world.observed' && event.readings.rollbackRate < 0.1 && (!event.readings.speculationEnabled || event.readings.maxDepth <= 1),
    isStormBack: ({ event }) => event.type === 'world.observed' && event.readings.speculationEnabled && event.readings.rollbackRate > 0.25,
    isRecovered: ({ context, event }) => event.type === 'world.observed' && context.causeFixed && event.readings.speculationEnabled && event.readings.rollbackRate < 0.06,
    isDeepeningChains: ({ context, event }) => {
      if (event.type !== 'config.changed') return false;
      const depth = event.changes['speculation.max_depth'];
      return !context.dependencyRecovered && context.storm.fraction > 0 && typeof depth === 'number' && depth > context.config.maxDepth;
    },
    isReenabledBeforeFix: ({ context, event }) => event.type === 'config.changed' && !context.dependencyRecovered && event.changes['speculation.enabled'] === true && !context.config.enabled,
    isRestoringTooFast: ({ context, event }) => tooFast(context, event) !== null,
  },
  actions: {
    setStorm: assign(({ context }, params: { fraction: number; crashing: boolean }) => {
      const next = { ...context, storm: params };
      return { storm: params, drivers: stormDrivers(next) };
    }),
    advance: assign(({ context, event }) => advanceTimeline(context, event.simMs)),
    trackConfig: assign(({ context, event }) => afterConfigChange(context, event)),
    recordHarm: assign(({ context, event }, params: { action: string; why: string }) => withHarm(context, event, params)),
    recordTooFast: assign(({ context, event }) => withHarm(context, event, { action: 'restore-too-fast', why: tooFast(context, event) ?? 'restored speculation too fast' })),
    // The burst of deep chains lands on a dependency that only just came back: it buckles again for a while.
    relapse: assign(({ context, event }) => {
      const next = { ...context, relapseUntilMs: event.simMs + context.variant.relapseMs };
      return { relapseUntilMs: next.relapseUntilMs, drivers: stormDrivers(next) };
    }),
  },
}).createMachine({
  id: 'rollback-storm',
  context: ({ input }) => {
    const variant = rollbackStormVariant(input);
    return {
      variant,
      ...incidentContext(variant),
      expected: assessSeverity({ ...calmFacts, rollbackRate: peakRateOf(variant), ...peakCircumstances(variant, input) }),
      epochMs: input.epochMs ?? seededEpochMs(input.seed),
      storm: { fraction: 0, crashing: false },
      dependencyRecovered: false,
      config: { ...defaultTrackedConfig },
      taskTimeoutMs: 30_000,
      lastFixAtMs: null,
      relapseUntilMs: null,
      announced: { timeoutChange: false, noticed: false, recovered: false },
    };
  },
  initial: 'healthy',
  on: {
    'world.observed': { actions: 'advance' },
    'config.changed': [
      {
        guard: 'isDeepeningChains',
        actions: [{ type: 'recordHarm', params: { action: 'deepen-during-storm', why: 'raised speculation.max_depth during the storm: deeper chains let one rollback cascade further' } }, 'trackConfig'],
      },
      {
        guard: 'isReenabledBeforeFix',
        actions: [{ type: 'recordHarm', params: { action: 'reenable-before-fix', why: 're-enabled speculation before the failing dependency recovered: the storm resumes' } }, 'trackConfig'],
      },
      { guard: 'isRestoringTooFast', actions: ['recordTooFast', 'relapse', 'trackConfig'] },
      { actions: 'trackConfig' },
    ],
  },
  states: {
    healthy: {
      after: { onset: 'onset' },
    },
    onset: {
      entry: { type: 'setStorm', params: { fraction: 0.45, crashing: false } },
      after: { escalate: 'escalating' },
      on: { 'world.observed': [{ guard: 'isStormContained', target: 'mitigated', actions: 'advance' }] },
    },
    escalating: {
      entry: { type: 'setStorm', params: { fraction: 0.75, crashing: false } },
      after: { turnCritical: 'critical' },
      on: {
        'world.observed': [
          { guard: 'isStormContained', target: 'mitigated', actions: 'advance' },
          { guard: 'isRecovered', target: 'recovered', actions: 'advance' },
        ],
      },
    },
    critical: {
      entry: { type: 'setStorm', params: { fraction: 1, crashing: true } },
      on: {
        'world.observed': [
          { guard: 'isStormContained', target: 'mitigated', actions: 'advance' },
          { guard: 'isRecovered', target: 'recovered', actions: 'advance' },
        ],
      },
    },
    mitigated: {
      on: {
        'world.observed': [
          { guard: 'isRecovered', target: 'recovered', actions: 'advance' },
          { guard: 'isStormBack', target: 'critical', actions: 'advance' },
        ],
      },
    },
    // A relapse (a too-fast restore, or a teammate re-enabling early) takes it back to critical.
    recovered: {
      on: { 'world.observed': [{ guard: 'isStormBack', target: 'critical', actions: 'advance' }] },
    },
  },
});

export const rollbackStormSpec: ScenarioSpec = {
  incident: 'INC-SPEC-001',
  trigger: 'Rollback rate > 50% for > 2 minutes',
  runbookSection: 'INC-SPEC-001: Cascading Rollback Storm',
  alertRules: [
    {
      name: 'SpeculationRollbackStorm',
      severity: 'critical',
      runbookSeverity: 'P1',
      summary: 'Cascading rollback storm',
      trigger: 'Rollback rate > 50% for > 2 minutes',
      expr: 'speculation_rollback_rate > 0.5',
      forMs: 120_000,
      ...readingAbove('rollbackRate', 0.5),
    },
    {
      // Milder storms never cross the 50% trigger; the runbook's matrix still makes 25-50% a P2.
      name: 'SpeculationRollbackRateElevated',
      severity: 'warning',
      runbookSeverity: 'P2',
      summary: 'Rollback rate above 25% for 5 minutes',
      trigger: 'Rollback rate > 25% for > 5 minutes',
      expr: 'speculation_rollback_rate > 0.25',
      forMs: 300_000,
      ...readingAbove('rollbackRate', 0.25),
    },
  ],
  requiredActions: [
    disableSpeculationStep({ description: 'Disable speculation', order: 1, deadlineMs: 15 * 60_000, why: 'stops new speculative tasks at once: no new rollbacks can cascade' }),
    {
      id: 'drain',
      description: 'Drain existing tasks',
      command: 'curl -X POST http://localhost:9090/admin/speculation/drain -H "Authorization: Bearer $ADMIN_TOKEN" --max-time 120',
      anyOf: [{ kind: 'request', method: 'POST', route: '/admin/speculation/drain' }],
      order: 2,
      deadlineMs: 20 * 60_000,
      why: 'lets in-flight tasks finish so no half-done speculation is left to roll back',
    },
    {
      id: 'find-cascade-source',
      description: 'Check for cascade source',
      command: 'agenc speculation rollbacks --since 10m --verbose | head -50',
      anyOf: [{ kind: 'request', method: 'GET', route: '/admin/speculation/rollbacks' }],
      order: 3,
      deadlineMs: 30 * 60_000,
      why: 'names the failing dependency, so you know what must recover before re-enabling',
    },
  ],
  harmfulActions: [
    { id: 'deepen-during-storm', description: 'Raise speculation.max_depth during the storm', why: 'deeper chains let one rollback cascade further' },
    { id: 'reenable-before-fix', description: 'Re-enable speculation before the root cause is fixed', why: 'the storm resumes' },
    {
      id: 'restore-too-fast',
      description: 'Restore speculation deeper than max_depth 1, or raise the depth more than a step at once, while the recovery is fresh',
      why: 'the burst of deep chains lands on a dependency that only just came back: it buckles again and a smaller storm returns for a few minutes',
    },
  ],
  mitigated: { all: [{ reading: 'rollbackRate', op: '<', value: 0.1 }], forMs: 60_000, description: 'rollback rate below 10% for a minute' },
  resolved: {
    all: [...normalSettings, { reading: 'rollbackRate', op: '<', value: 0.06 }],
    forMs: 5 * 60_000,
    description: 'speculation back on at its normal settings (max_depth 4, rollout 100%) and the rollback rate below 6% for five minutes',
  },
  cause: {
    kind: 'dependency',
    description:
      'a dependency the speculative tasks read from (an RPC node or an oracle feed) failed; every task reading it rolled back, and its children after it. On hard, a teammate had lowered speculation.task_timeout_ms shortly before: tasks also timed out and rolled back, during the storm and after the dependency recovered, until the timeout was put back',
    evidence: [
      { command: 'agenc speculation rollbacks --since 10m --verbose | head -50', shows: 'the endpoint the first rollbacks of each chain read from, and how it failed; on hard, tasks aborted at the task timeout' },
      { command: 'curl -s localhost:9090/metrics | grep -E speculation_rollback', shows: 'rollbacks by reason' },
      { command: "agenc messages --channel '#platform-alerts'", shows: "the owning team's \"we're seeing elevated errors on <endpoint>\" and, later, \"<endpoint> recovered at HH:MM UTC\"" },
      { command: 'agenc dependencies', shows: "the failing endpoint's error rate and its status page (degraded or major outage, then operational)" },
      { command: 'agenc config history --since 2h', shows: 'on hard, who lowered speculation.task_timeout_ms, when and why, and its previous value' },
    ],
    fix: 'the team that owns the dependency restores it and says so in #platform-alerts and on its status page; on hard, the responder also puts speculation.task_timeout_ms back to its previous value',
  },
  recovery: [
    reenableShallowStep({ id: 'reenable-depth-1', description: 'Re-enable with max_depth: 1', why: 'shallow chains first: if the dependency fails again, a rollback cannot cascade' }),
    increaseDepthStep({ id: 'increase-gradually', description: 'Gradually increase max_depth back to normal', why: 'each step is watched before the next, so a relapse stays small' }),
  ],
  stabiliseFirst: true,
  escalateTo: [],
  onboardingRank: 2,
  impact: {
    unit: 'operations rolled back or failed',
    description: "every second, the operations the storm hurts (rolled back, failed or left waiting) beyond a normal day's; a minute of speculation off costs an average minute of the incident left alone",
    harmPerSecond: (now) => operationsHurtPerSecond(now),
    unavailableWeight: 1,
  },
};

export const rollbackStormScenario: ScenarioDefinition = {
  id: 'rollback-storm',
  incident: 'INC-SPEC-001',
  title: 'Cascading rollback storm',
  summary: 'A failing dependency makes speculative tasks roll back, and their children after them.',
  difficulty: 'normal',
  machine: rollbackStormMachine,
  spec: rollbackStormSpec,
};
